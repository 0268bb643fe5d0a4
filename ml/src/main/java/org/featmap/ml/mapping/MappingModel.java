package org.featmap.ml.mapping;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A mapping network of spec §5 as a DJL block whose parameters carry the PyTorch state-dict names
 * of §5.9 (without the {@code model.} prefix). Subclasses create their parameters with PyTorch's
 * default initialisations (§12.2) drawn from a seeded generator.
 */
public abstract class MappingModel extends AbstractBlock {
    protected final NDManager manager;
    protected final int channels;
    protected final boolean applyTransform;
    protected final String manipulation;
    protected final MaskSource masks = new MaskSource();

    protected MappingModel(NDManager manager, int channels, boolean applyTransform, String manipulation) {
        this.manager = manager;
        this.channels = channels;
        this.applyTransform = applyTransform;
        this.manipulation = manipulation;
        // DJL's parameter file records input shapes; batch and spatial size are free
        this.inputShapes = new Shape[] {new Shape(-1, channels, -1, -1)};
    }

    public static MappingModel create(
            ModelType type, NDManager manager, int channels, boolean applyTransform, String manipulation, long seed) {
        return create(type, manager, channels, applyTransform, manipulation, seed, Dims.SPEC);
    }

    public static MappingModel create(
            ModelType type,
            NDManager manager,
            int channels,
            boolean applyTransform,
            String manipulation,
            long seed,
            Dims dims) {
        SplittableRandom rng = new SplittableRandom(seed);
        return switch (type) {
            case LINEAR -> new LinearMapping(manager, channels, applyTransform, manipulation, rng);
            case MLP -> new MlpMapping(manager, channels, applyTransform, manipulation, rng, dims.mlpHidden());
            case CNN -> new CnnMapping(manager, channels, applyTransform, manipulation, rng, dims.cnnHidden());
            case TRANSFORMER -> new TransformerMapping(manager, channels, applyTransform, manipulation, rng, dims);
        };
    }

    public abstract ModelType type();

    public int channels() {
        return channels;
    }

    public MaskSource masks() {
        return masks;
    }

    /** Forward of the wrapper (spec §5.1): optional fixed transform, then the network. */
    public NDArray forward(NDArray x, boolean training) {
        if (x.getShape().dimension() != 4 || x.getShape().get(1) != channels) {
            throw new IllegalArgumentException(
                    "mapping input shape " + x.getShape() + ": expected (B, " + channels + ", H, W)");
        }
        if (training) {
            masks.beginForward(Math.toIntExact(x.getShape().get(0)));
        }
        NDArray in = applyTransform ? SpatialTransform.apply(x, manipulation) : x;
        return network(in, training);
    }

    protected abstract NDArray network(NDArray x, boolean training);

    /** Per-position application of a token network (linear, mlp; spec §5.1 step 3). */
    protected static NDArray perToken(NDArray x, java.util.function.UnaryOperator<NDArray> net) {
        Shape s = x.getShape();
        long b = s.get(0), c = s.get(1), h = s.get(2), w = s.get(3);
        NDArray tokens = x.transpose(0, 2, 3, 1).reshape(b * h * w, c);
        NDArray y = net.apply(tokens);
        return y.reshape(b, h, w, y.getShape().get(1)).transpose(0, 3, 1, 2);
    }

    /** All state-dict entries (parameters and buffers) by PyTorch key, in registration order. */
    public Map<String, NDArray> stateDict() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
            out.put(e.getKey(), e.getValue().getArray());
        }
        return out;
    }

    /** Trainable parameters (those the optimiser updates), by PyTorch key. */
    public Map<String, NDArray> trainable() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
            if (e.getValue().requiresGradient()) {
                out.put(e.getKey(), e.getValue().getArray());
            }
        }
        return out;
    }

    /** Number of parameter elements, BatchNorm buffers excluded (spec §5.8). */
    public long parameterCount() {
        long n = 0;
        for (Parameter p : parameters.values()) {
            Parameter.Type t = p.getType();
            if (t != Parameter.Type.RUNNING_MEAN && t != Parameter.Type.RUNNING_VAR && t != Parameter.Type.OTHER) {
                n += p.getArray().size();
            }
        }
        return n;
    }

    /** Copies values into the named entry (shape and dtype must match). */
    public void load(String key, NDArray value) {
        Parameter p = parameters.get(key);
        if (p == null) {
            throw new IllegalArgumentException(
                    "state dict key '" + key + "' unknown for " + type().key() + ": allowed " + parameters.keySet());
        }
        NDArray dst = p.getArray();
        if (!dst.getShape().equals(value.getShape()) || dst.getDataType() != value.getDataType()) {
            throw new IllegalArgumentException("state dict key '" + key + "': got " + value.getDataType()
                    + value.getShape() + ", expected " + dst.getDataType() + dst.getShape());
        }
        copyInto(dst, value);
    }

    /**
     * Element copy through engine ops. NDArray.copyTo/set hand the engine a direct buffer that the
     * tensor may keep aliasing after the source is freed; this never aliases. Grad mode is off during
     * the copy (as in AdamW.step): libtorch's grad mode is per thread and on by default, and an in-place
     * op on a leaf parameter then fails ("a leaf Variable that requires grad is being used in an in-place
     * operation") -- seen when a Temporal retry resumed training from a checkpoint on a fresh activity thread.
     */
    public static void copyInto(NDArray dst, NDArray src) {
        boolean grad = ai.djl.pytorch.jni.JniUtils.isGradMode();
        ai.djl.pytorch.jni.JniUtils.setGradMode(false);
        try {
            dst.muli(0).addi(src);
        } finally {
            ai.djl.pytorch.jni.JniUtils.setGradMode(grad);
        }
    }

    // ---- parameter factories (PyTorch default initialisations) ----

    protected NDArray param(String name, Parameter.Type type, float[] values, Shape shape, boolean grad) {
        NDArray a = manager.create(values, shape);
        Parameter p = Parameter.builder()
                .setName(name)
                .setType(type)
                .optRequiresGrad(grad)
                .optArray(a)
                .build();
        addParameter(p);
        a.setRequiresGradient(grad);
        return a;
    }

    protected NDArray longBuffer(String name, long value) {
        NDArray a = manager.create(value);
        Parameter p = Parameter.builder()
                .setName(name)
                .setType(Parameter.Type.OTHER)
                .optRequiresGrad(false)
                .optArray(a)
                .build();
        addParameter(p);
        return a;
    }

    protected static float[] uniform(SplittableRandom rng, int n, double bound) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
        }
        return v;
    }

    protected static float[] filled(int n, float value) {
        float[] v = new float[n];
        java.util.Arrays.fill(v, value);
        return v;
    }

    /** nn.Linear default: W, b ~ U(±1/√fan_in) (kaiming_uniform a=√5 gives the same bound). */
    protected NDArray[] linear(String prefix, int in, int out, SplittableRandom rng) {
        double bound = 1.0 / Math.sqrt(in);
        NDArray w = param(
                prefix + "weight", Parameter.Type.WEIGHT, uniform(rng, in * out, bound), new Shape(out, in), true);
        NDArray b = param(prefix + "bias", Parameter.Type.BIAS, uniform(rng, out, bound), new Shape(out), true);
        return new NDArray[] {w, b};
    }

    protected static NDArray applyLinear(NDArray x, NDArray[] wb) {
        return ai.djl.nn.core.Linear.linear(x, wb[0], wb[1]).singletonOrThrow();
    }

    // ---- DJL Block plumbing ----

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(forward(inputs.singletonOrThrow(), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {}
}
