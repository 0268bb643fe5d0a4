package org.featmap.ml.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import org.featmap.core.contract.Progress;
import org.featmap.ml.images.RgbImage;

/**
 * FeatInv's DDIM sampler as a Java loop (spec §7.4): 50 uniform steps visited 981 → 1, eta 0,
 * classifier-free guidance ε = ε_u + 1.75·(ε_c − ε_u) with the control hint given to both branches,
 * x0 = (x − √(1−ᾱ)·ε)/√ᾱ, x ← √ᾱ_prev·x0 + √(1−ᾱ_prev)·ε, then decode z/0.18215 → ·127.5 + 127.5 →
 * clip [0, 255] → truncate to uint8 (spec N8). Arithmetic mirrors ldm's float32 DDIMSampler op by op.
 *
 * <p>The caller supplies x_T (its seeded generator is the caller's business; the reference reseeds
 * with 100 before every reconstruction, spec §7.4). With {@code batchGuidance} the two guidance
 * branches run as one ε call of batch 2B instead of two calls of batch B (the reference makes two
 * calls per step for one sample at a time; same numbers up to float reassociation inside the network).
 */
public final class DdimSampler {
    public static final float SCALE_FACTOR = 0.18215f;

    public record Options(int steps, float guidanceScale, boolean batchGuidance) {
        public static final Options FEATINV = new Options(50, 1.75f, true);

        public Options {
            if (steps <= 0) throw new IllegalArgumentException("DDIM steps must be > 0, got " + steps);
        }
    }

    /** Final latent z_0 (B,4,h,w) and the decoded uint8 images (one per batch row). */
    public record Result(float[] latent, Shape latentShape, List<RgbImage> images) {}

    private final EpsModel eps;
    private final Decoder decoder;
    private final Options options;
    private final DdimSchedule schedule;

    public DdimSampler(EpsModel eps, Decoder decoder, Options options) {
        this.eps = eps;
        this.decoder = decoder;
        this.options = options;
        this.schedule = new DdimSchedule(options.steps());
    }

    public DdimSchedule schedule() {
        return schedule;
    }

    /**
     * @param xT initial noise (B,4,h,w) float32
     * @param cond conditional context (1,77,d) or (B,77,d)
     * @param uncond unconditional context, same shape rules
     * @param hint raw feature maps (B,C,H,W)
     */
    public Result sample(NDArray xT, NDArray cond, NDArray uncond, NDArray hint, Progress progress) {
        long b = xT.getShape().get(0);
        if (xT.getShape().dimension() != 4)
            throw new IllegalArgumentException("x_T must be (B,4,h,w), got " + xT.getShape());
        if (hint.getShape().get(0) != b)
            throw new IllegalArgumentException("hint batch " + hint.getShape().get(0) + " differs from x_T batch " + b);
        try (NDManager scope = xT.getManager().newSubManager()) {
            NDArray c = expand(cond, b, "cond context").toType(DataType.FLOAT32, false);
            NDArray u = expand(uncond, b, "uncond context").toType(DataType.FLOAT32, false);
            c.attach(scope);
            u.attach(scope);
            NDArray bothCtx = options.batchGuidance() ? NDArrays.concat(new NDList(u, c)) : null;
            NDArray bothHint = options.batchGuidance() ? NDArrays.concat(new NDList(hint, hint)) : null;
            if (bothCtx != null) {
                bothCtx.attach(scope);
                bothHint.attach(scope);
            }
            NDArray x = xT.duplicate();
            x.attach(scope);
            int steps = schedule.steps();
            for (int i = 0; i < steps; i++) {
                DdimSchedule.Step s = schedule.step(i);
                try (NDManager stepScope = scope.newSubManager()) {
                    x.attach(stepScope); // the previous x dies with this step
                    long[] tv = new long[(int) (options.batchGuidance() ? 2 * b : b)];
                    java.util.Arrays.fill(tv, s.t());
                    NDArray epsT;
                    if (options.batchGuidance()) {
                        NDArray t = stepScope.create(tv);
                        NDArray both = eps.eps(NDArrays.concat(new NDList(x, x)), t, bothCtx, bothHint);
                        both.attach(stepScope);
                        NDList split = both.split(2);
                        epsT = guide(split.get(0), split.get(1));
                    } else {
                        NDArray t = stepScope.create(tv);
                        NDArray ec = eps.eps(x, t, c, hint);
                        ec.attach(stepScope);
                        NDArray eu = eps.eps(x, t, u, hint);
                        eu.attach(stepScope);
                        epsT = guide(eu, ec);
                    }
                    NDArray predX0 = x.sub(epsT.mul(s.sqrtOneMinusAlpha())).div(s.sqrtAlpha());
                    NDArray dirXt = epsT.mul(s.sqrtOneMinusAlphaPrev());
                    NDArray next = predX0.mul(s.sqrtAlphaPrev()).add(dirXt);
                    next.attach(scope);
                    x = next;
                }
                progress.report(i + 1, steps + 1, null);
            }
            float[] latent = x.toFloatArray();
            Shape shape = x.getShape();
            NDArray img = decoder.decode(x.div(SCALE_FACTOR));
            img.attach(scope);
            List<RgbImage> images = toImages(img.mul(127.5f).add(127.5f));
            progress.report(steps + 1, steps + 1, null);
            return new Result(latent, shape, images);
        }
    }

    private NDArray guide(NDArray uncond, NDArray cond) {
        return uncond.add(cond.sub(uncond).mul(options.guidanceScale()));
    }

    private static NDArray expand(NDArray ctx, long b, String what) {
        Shape s = ctx.getShape();
        if (s.dimension() != 3) throw new IllegalArgumentException(what + " must be (1|B, tokens, dim), got " + s);
        if (s.get(0) == b) return ctx.duplicate();
        if (s.get(0) == 1) return ctx.repeat(0, b);
        throw new IllegalArgumentException(what + " batch " + s.get(0) + " is neither 1 nor " + b);
    }

    /** (B,3,H,W) float in 0..255 scale → clip → truncate (astype uint8) → HWC RGB images. */
    static List<RgbImage> toImages(NDArray scaled) {
        Shape s = scaled.getShape();
        if (s.dimension() != 4 || s.get(1) != 3)
            throw new IllegalArgumentException("decoder output must be (B,3,H,W), got " + s);
        int b = (int) s.get(0), h = (int) s.get(2), w = (int) s.get(3);
        float[] v = scaled.toType(DataType.FLOAT32, false).toFloatArray();
        List<RgbImage> out = new ArrayList<>(b);
        int plane = h * w;
        for (int n = 0; n < b; n++) {
            byte[] rgb = new byte[plane * 3];
            for (int c = 0; c < 3; c++)
                for (int p = 0; p < plane; p++) {
                    float f = v[(n * 3 + c) * plane + p];
                    float clipped = Math.max(0f, Math.min(255f, f));
                    rgb[p * 3 + c] = (byte) (int) clipped; // truncation, spec N8
                }
            out.add(new RgbImage(w, h, rgb));
        }
        return out;
    }
}
