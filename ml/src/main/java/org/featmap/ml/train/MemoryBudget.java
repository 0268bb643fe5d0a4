package org.featmap.ml.train;

import ai.djl.Device;
import org.featmap.ml.mapping.Dims;
import org.featmap.ml.mapping.ModelType;

/**
 * Samples per forward/backward pass. Every loss of spec §6.3 is a mean of per-sample terms and only
 * the CNN has batch statistics (BatchNorm), so the other models may split a batch into micro-batches
 * and accumulate gradients ({@link MicroBatches}): the same update up to float summation order, and the same
 * dropout masks (MaskSource and the fused attention draw per sample). Only the transformer needs it: its attention
 * runs through libtorch's fused scaled_dot_product_attention (FusedAttention), whose memory per sample is
 * {@link #transformerSampleBytes}, measured (bench/train/attention.sh, BENCHMARKS.md). The batch is split
 * into as few passes as {@value #MEMORY_SHARE} of the device's memory allows, of equal size (32 = 16 + 16,
 * not 18 + 14). Micro-batch sizes (not results) may differ between machines.
 */
final class MemoryBudget {
    private MemoryBudget() {}

    static int microBatch(TrainOptions o, TrainStage.Variant variant, int h, int w, Device device) {
        if (o.modelType() != ModelType.TRANSFORMER || variant.microBatch() > 0) {
            return microBatch(o, variant, h, w, device.isGpu(), 0);
        }
        return microBatch(o, variant, h, w, device.isGpu(), deviceMemory(device));
    }

    /** {@link #microBatch(TrainOptions, TrainStage.Variant, int, int, Device)} for a device of the given kind and memory. */
    static int microBatch(TrainOptions o, TrainStage.Variant variant, int h, int w, boolean gpu, long deviceMemory) {
        if (o.modelType() == ModelType.CNN) {
            return o.batchSize(); // BatchNorm's batch statistics need the whole batch
        }
        if (variant.microBatch() > 0) {
            return Math.min(variant.microBatch(), o.batchSize());
        }
        if (o.modelType() != ModelType.TRANSFORMER) {
            return o.batchSize();
        }
        double perSample = transformerSampleBytes(variant.dims(), (long) h * w, !gpu && variant.dropout());
        long fit = (long) Math.max(1, Math.floor(MEMORY_SHARE * deviceMemory / perSample));
        int passes = (int) Math.ceil(o.batchSize() / (double) Math.min(fit, o.batchSize()));
        return (int) Math.ceil(o.batchSize() / (double) passes);
    }

    /**
     * Bytes one sample adds to a training step of the transformer (forward, backward, optimiser), from
     * AttentionBench's first-step peaks (bench/train/attention.sh, 2026-12-02, spec dims, 1,296 and 5,184 tokens):
     * <ul>
     *   <li>per token and layer {@value #TOKEN_FLOATS} × (2·d + FFN) floats — measured 8.4 (69 KB at d 512 / FFN
     *       1024) with every dropout on but the attention weights' (what a CUDA step holds: the
     *       memory-efficient kernel stores no mask) and 5.1 with dropout off (the flash kernel on CPU); linear in
     *       tokens and in the batch;
     *   <li>plus {@value #MATH_MAPS} heads·tokens² float maps per layer where dropout forces libtorch's math
     *       path (CPU with dropout on; measured 3.09 at 1,296 and 3.20 at 5,184 tokens: softmax output, dropout
     *       mask, dropped weights — PyTorch keeps the same there).
     * </ul>
     * ConvNeXt feat0 (5,184 tokens): 1.53 GB per sample on a GPU — an L40/L40S (46,068 MiB) runs the batch of 32
     * in 2 passes of 16 (32 samples ≈ 49 GB), an 80 GB card in one — and 12.9 GB on a CPU with dropout (one sample
     * per pass); feat1 (1,296 tokens): 0.38 GB on a GPU (one pass), 1.09 GB on a CPU with dropout.
     */
    static double transformerSampleBytes(Dims dims, long tokens, boolean mathPath) {
        double perLayer = TOKEN_FLOATS * (2.0 * dims.dModel() + dims.ffn()) * tokens * Float.BYTES;
        if (mathPath) {
            perLayer += MATH_MAPS * dims.heads() * (double) tokens * tokens * Float.BYTES;
        }
        return dims.layers() * perLayer;
    }

    /** Floats per token, layer and (2·d + FFN) kept by a training step: 8.4 measured, 9 budgeted. */
    static final double TOKEN_FLOATS = 9;
    /** heads·tokens² maps per layer on libtorch's math path (3.20 measured at feat0). */
    static final double MATH_MAPS = 3.3;

    static final double MEMORY_SHARE = 0.6;

    private static long deviceMemory(Device device) {
        if (device.isGpu()) {
            return ai.djl.util.cuda.CudaUtils.getGpuMemory(device).getMax();
        }
        java.lang.management.OperatingSystemMXBean os =
                java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getTotalMemorySize() : 8L << 30;
    }
}
