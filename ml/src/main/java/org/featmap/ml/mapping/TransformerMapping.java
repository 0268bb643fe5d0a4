package org.featmap.ml.mapping;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.LayerNorm;
import java.util.SplittableRandom;

/**
 * Linear(C→512) → 4 post-norm encoder layers (8 heads, FFN 1024, ReLU, dropout 0.2, LayerNorm eps
 * 1e-5) → Linear(512→C) over the H·W tokens (spec §5.5). No positional encoding (spec §11 N3); the
 * unused {@code pre_norm} is present so parameter counts and keys match. The four layers start from
 * identical weights (deep copies of one initialised layer).
 */
public final class TransformerMapping extends MappingModel {
    public static final float DROPOUT = 0.2f;
    /** The attention-weight dropout as the double the fused kernel takes (the reference's 0.2, not (double) 0.2f). */
    private static final double ATTENTION_DROPOUT = 0.2;

    private static final float EPS = 1e-5f;

    private final NDArray[] inputProj;
    private final NDArray[] outputProj;
    private final int dModel;
    private final int heads;
    private final NDArray[][] layers;

    TransformerMapping(NDManager m, int c, boolean tf, String manip, SplittableRandom rng, Dims dims) {
        super(m, c, tf, manip);
        final int D = dims.dModel();
        final int FFN = dims.ffn();
        this.dModel = D;
        this.heads = dims.heads();
        this.layers = new NDArray[dims.layers()][];
        inputProj = linear("input_proj.", c, D, rng);
        // pre_norm exists in the reference but is never called: no gradient, skipped by AdamW (§6.4)
        param("pre_norm.weight", Parameter.Type.GAMMA, filled(D, 1f), new Shape(D), false);
        param("pre_norm.bias", Parameter.Type.BETA, filled(D, 0f), new Shape(D), false);
        // one initialised layer, copied LAYERS times (nn.TransformerEncoder deep-copies its layer)
        double xavier = Math.sqrt(6.0 / (D + 3 * D));
        float[] inW = uniform(rng, 3 * D * D, xavier);
        float[] outW = uniform(rng, D * D, 1.0 / Math.sqrt(D));
        float[] l1w = uniform(rng, FFN * D, 1.0 / Math.sqrt(D));
        float[] l1b = uniform(rng, FFN, 1.0 / Math.sqrt(D));
        float[] l2w = uniform(rng, D * FFN, 1.0 / Math.sqrt(FFN));
        float[] l2b = uniform(rng, D, 1.0 / Math.sqrt(FFN));
        for (int i = 0; i < layers.length; i++) {
            String p = "transformer.layers." + i + ".";
            layers[i] = new NDArray[] {
                param(p + "self_attn.in_proj_weight", Parameter.Type.WEIGHT, inW, new Shape(3 * D, D), true),
                param(p + "self_attn.in_proj_bias", Parameter.Type.BIAS, filled(3 * D, 0f), new Shape(3 * D), true),
                param(p + "self_attn.out_proj.weight", Parameter.Type.WEIGHT, outW, new Shape(D, D), true),
                param(p + "self_attn.out_proj.bias", Parameter.Type.BIAS, filled(D, 0f), new Shape(D), true),
                param(p + "linear1.weight", Parameter.Type.WEIGHT, l1w, new Shape(FFN, D), true),
                param(p + "linear1.bias", Parameter.Type.BIAS, l1b, new Shape(FFN), true),
                param(p + "linear2.weight", Parameter.Type.WEIGHT, l2w, new Shape(D, FFN), true),
                param(p + "linear2.bias", Parameter.Type.BIAS, l2b, new Shape(D), true),
                param(p + "norm1.weight", Parameter.Type.GAMMA, filled(D, 1f), new Shape(D), true),
                param(p + "norm1.bias", Parameter.Type.BETA, filled(D, 0f), new Shape(D), true),
                param(p + "norm2.weight", Parameter.Type.GAMMA, filled(D, 1f), new Shape(D), true),
                param(p + "norm2.bias", Parameter.Type.BETA, filled(D, 0f), new Shape(D), true)
            };
        }
        outputProj = linear("output_proj.", D, c, rng);
    }

    @Override
    public ModelType type() {
        return ModelType.TRANSFORMER;
    }

    /**
     * Which attention the layers run: libtorch's fused scaled_dot_product_attention (the reference's, and the
     * default) or the explicit softmax(q·kᵀ/8)·v written as engine ops, kept as the parity reference of the
     * fused path (FusedAttentionParityTest) — it holds every heads·tokens² intermediate until the step ends.
     */
    enum Attention {
        FUSED,
        EXPLICIT
    }

    private Attention attention = Attention.FUSED;

    void setAttention(Attention a) {
        attention = a;
    }

    private boolean weightDropout = true;

    /**
     * Memory benchmark only (AttentionBench): the fused attention without its weight dropout, every other
     * dropout on — what a CUDA step holds, whose memory-efficient kernel drops weights without storing a mask,
     * measured on a CPU (where dropout forces the math path).
     */
    void setWeightDropout(boolean on) {
        weightDropout = on;
    }

    private NDArray selfAttention(NDArray t, NDArray[] l, boolean training) {
        Shape s = t.getShape();
        long b = s.get(0), n = s.get(1);
        final int D = dModel;
        final int HEADS = heads;
        NDArray qkv = ai.djl.nn.core.Linear.linear(t, l[0], l[1]).singletonOrThrow();
        NDList parts = qkv.split(3, 2);
        NDArray q = parts.get(0).reshape(b, n, HEADS, D / HEADS).transpose(0, 2, 1, 3);
        NDArray v = parts.get(2).reshape(b, n, HEADS, D / HEADS).transpose(0, 2, 1, 3);
        NDArray o;
        if (attention == Attention.FUSED) {
            NDArray k = parts.get(1).reshape(b, n, HEADS, D / HEADS).transpose(0, 2, 1, 3);
            boolean drop = weightDropout && masks.active(training);
            o = FusedAttention.attend(q, k, v, drop ? ATTENTION_DROPOUT : 0, drop ? masks.kernelSeeds() : null);
        } else {
            NDArray k = parts.get(1).reshape(b, n, HEADS, D / HEADS).transpose(0, 2, 3, 1);
            // an owned scalar: autograd saves it for backward (Tensors.scalar)
            NDArray attn = org.featmap.ml.Tensors.mul(q, 1f / (float) Math.sqrt(D / HEADS))
                    .matMul(k)
                    .softmax(-1);
            o = masks.dropout(attn, DROPOUT, training).matMul(v);
        }
        o = o.transpose(0, 2, 1, 3).reshape(b, n, D);
        return ai.djl.nn.core.Linear.linear(o, l[2], l[3]).singletonOrThrow();
    }

    private NDArray layerNorm(NDArray x, NDArray g, NDArray b) {
        return LayerNorm.layerNorm(x, new Shape(dModel), g, b, EPS).singletonOrThrow();
    }

    private NDArray encoderLayer(NDArray t, NDArray[] l, boolean training) {
        NDArray a = selfAttention(t, l, training);
        t = layerNorm(t.add(masks.dropout(a, DROPOUT, training)), l[8], l[9]);
        NDArray f = ai.djl.nn.core.Linear.linear(t, l[4], l[5])
                .singletonOrThrow()
                .getNDArrayInternal()
                .relu();
        f = ai.djl.nn.core.Linear.linear(masks.dropout(f, DROPOUT, training), l[6], l[7])
                .singletonOrThrow();
        return layerNorm(t.add(masks.dropout(f, DROPOUT, training)), l[10], l[11]);
    }

    @Override
    protected NDArray network(NDArray x, boolean training) {
        Shape s = x.getShape();
        long b = s.get(0), c = s.get(1), h = s.get(2), w = s.get(3);
        NDArray t = x.transpose(0, 2, 3, 1).reshape(b, h * w, c);
        t = applyLinear(t, inputProj);
        for (NDArray[] l : layers) {
            t = encoderLayer(t, l, training);
        }
        t = applyLinear(t, outputProj);
        return t.reshape(b, h, w, c).transpose(0, 3, 1, 2);
    }
}
