package org.featmap.ml;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.lang.ref.Reference;
import java.nio.Buffer;
import java.nio.FloatBuffer;

/**
 * NDArrays from Java data that own their memory. DJL's PyTorch engine wraps a (direct copy of the)
 * Java buffer without copying and keeps it alive only through the NDArray object that created it;
 * views of that tensor (transpose, reshape — every model's first ops) share the memory but not the
 * reference, so once the creating object is unreachable the GC may free the buffer under them. That
 * showed up as non-deterministic losses and NaN validation losses (docs/NOTES.md). A clone made while
 * the wrapper is still reachable owns libtorch memory and is safe.
 */
public final class Tensors {
    private Tensors() {}

    public static NDArray owned(NDManager m, float[] data, Shape shape) {
        return owned(m, FloatBuffer.wrap(data), shape, DataType.FLOAT32);
    }

    public static NDArray owned(NDManager m, Buffer data, Shape shape) {
        return owned(m, data, shape, DataType.FLOAT32);
    }

    public static NDArray owned(NDManager m, Buffer data, Shape shape, DataType type) {
        NDArray wrapped = m.create(data, shape, type);
        try {
            return wrapped.duplicate();
        } finally {
            Reference.reachabilityFence(wrapped);
            Reference.reachabilityFence(data);
            wrapped.close();
        }
    }

    /**
     * A 0-dim float32 tensor that owns its memory, for arithmetic with a constant on a path autograd
     * records. DJL's {@code mul(Number)}, {@code div(Number)}, {@code maximum(Number)} wrap the number
     * in a tensor over a direct buffer and close it right after the op; mul, div and maximum save that
     * tensor for backward, which then reads freed memory once the GC has run (run-to-run differences and
     * NaN in training; AutogradLifetimeTest). add/sub by a Number are safe (nothing saved), as is any
     * Number op outside a gradient collector.
     */
    public static NDArray scalar(NDManager m, float value) {
        return owned(m, new float[] {value}, new Shape());
    }

    /** x · v with v as an owned scalar: safe on a path autograd records (see {@link #scalar}). */
    public static NDArray mul(NDArray x, float v) {
        return x.mul(scalar(x.getManager(), v));
    }

    /** x / v with v as an owned scalar: safe on a path autograd records (see {@link #scalar}). */
    public static NDArray div(NDArray x, float v) {
        return x.div(scalar(x.getManager(), v));
    }
}
