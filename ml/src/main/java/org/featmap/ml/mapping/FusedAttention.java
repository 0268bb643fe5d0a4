package org.featmap.ml.mapping;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.DoubleBuffer;
import org.featmap.ml.Tensors;
import org.featmap.ml.TorchRandom;

/**
 * libtorch's {@code scaled_dot_product_attention} (what nn.MultiheadAttention runs inside the reference's
 * nn.TransformerEncoderLayer, spec §5.5), reached through a parameter-free TorchScript module scripted by
 * {@code python/export_sdpa.py} and shipped in the jar ({@code sdpa.pt}): DJL 0.36's JNI exposes no SDPA op.
 * The module runs with autograd recording ({@code moduleRunMethod} with isTrain), so backward is libtorch's
 * own SDPA backward into q, k and v.
 *
 * <p>libtorch picks the kernel per call. On CPU: the flash kernel without dropout (O(tokens) memory: the
 * tokens² weights are never stored), the explicit math path with dropout — exactly as PyTorch itself does on
 * CPU, so the memory matches the reference there (heads·tokens² maps saved for backward). On CUDA (float32):
 * the memory-efficient kernel, with dropout, O(tokens).
 *
 * <p>Dropout reproducibility: the kernels draw their dropout from torch's default generator (CPU: bernoulli
 * on the math path; CUDA: Philox seed/offset taken from the CUDA generator at launch and replayed in
 * backward). So with dropout the attention runs one sample at a time, each after reseeding the generator for
 * (step seed, dropout call, sample) under {@link TorchRandom#LOCK} ({@link MaskSource#kernelSeeds}): the
 * weights a sample drops depend only on its step and position in the batch — a resumed run and any
 * micro-batch split draw the same ones, as for the masks MaskSource draws itself. The masks are torch's own
 * draws, so they are not the masks of the explicit path or of a PyTorch run (parity runs switch dropout off).
 */
final class FusedAttention {
    private static final Object LOAD = new Object();
    private static volatile PtSymbolBlock module;

    private FusedAttention() {}

    /**
     * softmax(q·kᵀ/√d) (dropped out with p) · v for q, k, v of shape (B, heads, tokens, d).
     *
     * @param seeds null: no dropout (p must be 0) or one batched call whose draws are not reproducible
     *     (tests only); else one generator seed per sample, and p is applied per sample under the lock
     */
    static NDArray attend(NDArray q, NDArray k, NDArray v, double p, long[] seeds) {
        if (p == 0 || seeds == null) {
            return call(q, k, v, p);
        }
        long b = q.getShape().get(0);
        if (seeds.length != b) {
            throw new IllegalArgumentException(seeds.length + " dropout seeds for a batch of " + b);
        }
        if (b == 1) {
            synchronized (TorchRandom.LOCK) {
                TorchRandom.seed(seeds[0]);
                return call(q, k, v, p);
            }
        }
        NDList qs = q.split(b, 0);
        NDList ks = k.split(b, 0);
        NDList vs = v.split(b, 0);
        NDList outs = new NDList((int) b);
        synchronized (TorchRandom.LOCK) {
            for (int i = 0; i < b; i++) {
                TorchRandom.seed(seeds[i]);
                outs.add(call(qs.get(i), ks.get(i), vs.get(i), p));
            }
        }
        return NDArrays.concat(outs, 0);
    }

    private static NDArray call(NDArray q, NDArray k, NDArray v, double p) {
        PtSymbolBlock m = module();
        // a 0-dim float64 on the CPU (the module reads it with item()); owned memory, read during the call only
        try (NDManager cpu = NDManager.newBaseManager(Device.cpu());
                NDArray drop = Tensors.owned(cpu, DoubleBuffer.wrap(new double[] {p}), new Shape(), DataType.FLOAT64)) {
            // isTrain = true: no inference-mode guard, the current grad mode (on inside a GradientCollector) holds
            return IValueUtils.forward(m, new NDList(q, k, v, drop), true).singletonOrThrow();
        }
    }

    static PtSymbolBlock module() {
        PtSymbolBlock m = module;
        if (m == null) {
            synchronized (LOAD) {
                m = module;
                if (m == null) {
                    // no parameters, so one CPU-loaded module serves inputs on any device; its manager lives as long
                    // as the process
                    PtNDManager home = (PtNDManager) NDManager.newBaseManager(Device.cpu(), "PyTorch");
                    try (InputStream in = FusedAttention.class.getResourceAsStream("sdpa.pt")) {
                        if (in == null) {
                            throw new IllegalStateException(
                                    "sdpa.pt missing from the classpath (python/export_sdpa.py writes it)");
                        }
                        m = JniUtils.loadModule(home, in, true, false);
                    } catch (IOException e) {
                        throw new UncheckedIOException("cannot read sdpa.pt", e);
                    }
                    module = m;
                }
            }
        }
        return m;
    }
}
