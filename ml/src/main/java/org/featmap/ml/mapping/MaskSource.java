package org.featmap.ml.mapping;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.featmap.ml.TorchRandom;

/**
 * Dropout keep-masks that depend only on (step seed, dropout call, sample): every sample of a batch
 * gets its own stream, drawn by the engine (torch's generator on the model's device) after reseeding
 * it for that (step, call, sample). So
 * <ul>
 *   <li>a resumed run draws exactly the masks of an uninterrupted one (no RNG state to checkpoint);
 *   <li>splitting a batch into micro-batches (TrainStage, memory) draws the same masks as one pass;
 *   <li>the draws run at engine speed on the device: the spec's transformer on ConvNeXt feat0 needs
 *       8·5,184² mask values per sample and layer, far too many for a Java loop.
 * </ul>
 * Masks are drawn flat per sample, so the first axis of every masked tensor must be sample-major
 * (B, ...) or (B·rows, ...) — true of every model here. Masks never equal torch's own dropout draws;
 * parity runs switch dropout off (spec §12.2 compares the deterministic parts).
 */
public final class MaskSource {
    private long stepSeed;
    private int call;
    private int sampleOffset;
    private int samples = -1;
    private boolean enabled = true;

    /**
     * Switches dropout off (identity in training too). Only parity runs use it: our masks come from a
     * different generator than torch's by design; with dropout off both sides compute the same function.
     */
    public void setEnabled(boolean on) {
        enabled = on;
    }

    /** The seed of one optimisation step; the batch starts at sample 0. */
    public void reseed(long seed) {
        stepSeed = seed;
        sampleOffset = 0;
        call = 0;
    }

    /** The micro-batch about to be forwarded starts at this sample of the step's batch. */
    public void setSampleOffset(int offset) {
        sampleOffset = offset;
    }

    /** Called by the model at the start of each forward: the dropout calls are counted from 0 again. */
    void beginForward(int batchSamples) {
        samples = batchSamples;
        call = 0;
    }

    /** Bernoulli(1−p) keep-mask scaled by 1/(1−p), as torch dropout, for a sample-major tensor shape. */
    public NDArray keepMask(NDManager manager, Shape shape, float p) {
        if (samples < 1 || shape.get(0) % samples != 0) {
            throw new IllegalStateException("dropout mask of shape " + shape + " for " + samples
                    + " samples: the first axis must be sample-major");
        }
        long perSample = shape.size() / samples;
        int c = call++;
        NDArray uniform;
        NDList parts = new NDList(samples);
        try {
            synchronized (TorchRandom.LOCK) {
                for (int i = 0; i < samples; i++) {
                    TorchRandom.seed(mix(stepSeed, c, sampleOffset + i));
                    parts.add(manager.randomUniform(0f, 1f, new Shape(perSample), DataType.FLOAT32));
                }
            }
            uniform = samples == 1 ? parts.get(0) : NDArrays.concat(parts);
        } finally {
            if (samples > 1) {
                parts.close();
            }
        }
        try (NDArray u = uniform;
                NDArray keep = u.gte(p)) {
            // no autograd here (the mask needs no gradient), so Number arguments are safe (Tensors.scalar)
            return keep.toType(DataType.FLOAT32, false).muli(1f / (1f - p)).reshape(shape);
        }
    }

    /** Whether a dropout call in this forward drops anything (training and not switched off). */
    boolean active(boolean training) {
        return training && enabled;
    }

    /**
     * Generator seeds for one dropout call of a kernel that draws its own randomness (the fused attention,
     * FusedAttention): one per sample of the forwarded micro-batch, from (step seed, this call, sample) as for
     * the masks drawn here, so resumed runs and micro-batch splits draw the same values.
     */
    long[] kernelSeeds() {
        if (samples < 1) {
            throw new IllegalStateException("dropout seeds requested outside a training forward");
        }
        int c = call++;
        long[] seeds = new long[samples];
        for (int i = 0; i < samples; i++) {
            seeds[i] = mix(stepSeed, c, sampleOffset + i);
        }
        return seeds;
    }

    static long mix(long stepSeed, int call, int sample) {
        long z = stepSeed ^ (0x9E3779B97F4A7C15L * (call + 1)) ^ (0xC2B2AE3D27D4EB4FL * (sample + 1));
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    public NDArray dropout(NDArray x, float p, boolean training) {
        if (!training || p == 0f || !enabled) {
            return x;
        }
        return x.mul(keepMask(x.getManager(), x.getShape(), p));
    }

    /** Dropout2d: one mask value per (n, c) channel map. */
    public NDArray dropout2d(NDArray x, float p, boolean training) {
        if (!training || p == 0f || !enabled) {
            return x;
        }
        Shape s = x.getShape();
        return x.mul(keepMask(x.getManager(), new Shape(s.get(0), s.get(1), 1, 1), p));
    }
}
