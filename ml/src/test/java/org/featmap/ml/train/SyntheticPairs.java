package org.featmap.ml.train;

import java.util.SplittableRandom;
import org.featmap.ml.features.PairDataset;

/** target = fixed per-token affine map of source + small noise; all in memory. */
final class SyntheticPairs implements PairDataset {
  private final int n, c, h, w;
  private final float[][] src;
  private final float[][] tgt;

  SyntheticPairs(int n, int c, int h, int w, long seed) {
    this.n = n;
    this.c = c;
    this.h = h;
    this.w = w;
    SplittableRandom r = new SplittableRandom(seed);
    float[] a = new float[c * c];
    float[] b = new float[c];
    for (int i = 0; i < a.length; i++) {
      a[i] = (float) (r.nextGaussian() / Math.sqrt(c));
    }
    for (int i = 0; i < c; i++) {
      b[i] = (float) r.nextGaussian() * 0.5f;
    }
    int hw = h * w;
    src = new float[n][c * hw];
    tgt = new float[n][c * hw];
    for (int k = 0; k < n; k++) {
      for (int i = 0; i < c * hw; i++) {
        src[k][i] = (float) r.nextGaussian();
      }
      for (int o = 0; o < c; o++) {
        for (int p = 0; p < hw; p++) {
          double s = b[o];
          for (int i = 0; i < c; i++) {
            s += a[o * c + i] * src[k][i * hw + p];
          }
          tgt[k][o * hw + p] = (float) (s + 0.05 * r.nextGaussian());
        }
      }
    }
  }

  public int size() {
    return n;
  }

  public int channels() {
    return c;
  }

  public int height() {
    return h;
  }

  public int width() {
    return w;
  }

  public String originalId(int i) {
    return String.format("%05d", i);
  }

  public String manipulation(int i) {
    return "grayscale";
  }

  public int classId(int i) {
    return 0;
  }

  public void read(int i, float[] s, int so, float[] t, int to) {
    System.arraycopy(src[i], 0, s, so, src[i].length);
    System.arraycopy(tgt[i], 0, t, to, tgt[i].length);
  }
}
