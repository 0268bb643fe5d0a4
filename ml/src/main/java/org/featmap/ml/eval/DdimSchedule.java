package org.featmap.ml.eval;

/**
 * FeatInv's DDIM schedule (spec §7.4, AV19): β linear in √β from √0.00085 to √0.012 over 1000 steps,
 * ᾱ_t = Π(1 − β) (float64, as ldm computes it before storing float32 buffers), 50 "uniform" DDIM
 * timesteps 1, 21, …, 981 visited in descending order. The per-step scalars are the float32 values
 * ldm's sampler multiplies with (its buffers are float32).
 */
public final class DdimSchedule {
    public static final int TRAIN_STEPS = 1000;
    public static final double LINEAR_START = 0.00085;
    public static final double LINEAR_END = 0.012;

    private final double[] alphasCumprod = new double[TRAIN_STEPS];
    private final int[] timesteps;

    /** The per-step float32 scalars of one DDIM step (index i counts 0..steps−1 in visiting order). */
    public record Step(
            int t,
            float alpha,
            float alphaPrev,
            float sqrtOneMinusAlpha,
            float sqrtAlpha,
            float sqrtAlphaPrev,
            float sqrtOneMinusAlphaPrev) {}

    public DdimSchedule(int steps) {
        if (steps <= 0 || TRAIN_STEPS % steps != 0)
            throw new IllegalArgumentException("DDIM steps must divide 1000 (uniform discretisation), got " + steps);
        double a = Math.sqrt(LINEAR_START);
        double b = Math.sqrt(LINEAR_END);
        double cum = 1.0;
        for (int i = 0; i < TRAIN_STEPS; i++) {
            // torch.linspace(float64): start + i * step for the first half, end − (n−1−i) * step after
            double step = (b - a) / (TRAIN_STEPS - 1);
            double s = i < TRAIN_STEPS / 2 ? a + i * step : b - (TRAIN_STEPS - 1 - i) * step;
            cum *= 1.0 - s * s;
            alphasCumprod[i] = cum;
        }
        int c = TRAIN_STEPS / steps;
        timesteps = new int[steps];
        for (int i = 0; i < steps; i++) timesteps[i] = i * c + 1;
    }

    /** ᾱ_t in float64. */
    public double alphaCumprod(int t) {
        return alphasCumprod[t];
    }

    /** DDIM timesteps ascending (1, 21, …, 981 for 50 steps). */
    public int[] timesteps() {
        return timesteps.clone();
    }

    public int steps() {
        return timesteps.length;
    }

    /** Scalars of visiting step i (i = 0 is t = 981 for 50 steps). */
    public Step step(int i) {
        int index = timesteps.length - 1 - i;
        int t = timesteps[index];
        float alpha = (float) alphasCumprod[t];
        float alphaPrev = (float) (index == 0 ? alphasCumprod[0] : alphasCumprod[timesteps[index - 1]]);
        // float32 arithmetic as torch on float32 buffers: sqrt(1 − a), sqrt(a), sqrt(1 − a_prev)
        float oneMinus = 1f - alpha;
        float oneMinusPrev = 1f - alphaPrev;
        return new Step(
                t,
                alpha,
                alphaPrev,
                (float) Math.sqrt(oneMinus),
                (float) Math.sqrt(alpha),
                (float) Math.sqrt(alphaPrev),
                (float) Math.sqrt(oneMinusPrev));
    }
}
