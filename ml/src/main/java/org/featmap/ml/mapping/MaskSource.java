package org.featmap.ml.mapping;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;

/**
 * Dropout keep-masks drawn from a Java generator reseeded for every training step, so a resumed
 * run draws exactly the masks of an uninterrupted one (no engine-global RNG state to checkpoint).
 */
public final class MaskSource {
  private SplittableRandom random = new SplittableRandom(0);
  private boolean enabled = true;

  /**
   * Switches dropout off (identity in training too). Only parity runs use it: our masks come from a
   * Java generator by design, so they can never equal torch's; with dropout off both sides compute
   * the same function.
   */
  public void setEnabled(boolean on) {
    enabled = on;
  }

  public void reseed(long seed) {
    random = new SplittableRandom(seed);
  }

  /** Bernoulli(1−p) mask scaled by 1/(1−p), as torch dropout. */
  public NDArray keepMask(NDManager manager, Shape shape, float p) {
    int n = Math.toIntExact(shape.size());
    float[] m = new float[n];
    float scale = 1f / (1f - p);
    for (int i = 0; i < n; i++) {
      m[i] = random.nextDouble() >= p ? scale : 0f;
    }
    // owned: autograd saves the mask for backward, after this Java object may be gone (Tensors)
    return org.featmap.ml.Tensors.owned(manager, m, shape);
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
