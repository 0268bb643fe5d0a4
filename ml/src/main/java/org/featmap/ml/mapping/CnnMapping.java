package org.featmap.ml.mapping;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import java.util.SplittableRandom;

/**
 * Conv3×3(C→512) → BN → ReLU → Dropout2d(0.2) → Conv3×3(512→C) → BN (spec §5.4). BatchNorm with
 * PyTorch semantics (§12.2): biased batch variance to normalise, unbiased for the running variance,
 * running ← 0.9·running + 0.1·batch, eps 1e-5.
 */
public final class CnnMapping extends MappingModel {
  public static final float DROPOUT = 0.2f;
  private static final float EPS = 1e-5f;
  private static final float MOMENTUM = 0.1f;
  private final NDArray[] conv1;
  private final NDArray[] bn1;
  private final NDArray[] conv2;
  private final NDArray[] bn2;

  CnnMapping(NDManager m, int c, boolean tf, String manip, SplittableRandom rng, int hidden) {
    super(m, c, tf, manip);
    conv1 = conv("net.0.", c, hidden, rng);
    bn1 = batchNorm("net.1.", hidden);
    conv2 = conv("net.4.", hidden, c, rng);
    bn2 = batchNorm("net.5.", c);
  }

  private NDArray[] conv(String prefix, int in, int out, SplittableRandom rng) {
    double bound = 1.0 / Math.sqrt(in * 9.0);
    NDArray w =
        param(prefix + "weight", Parameter.Type.WEIGHT, uniform(rng, out * in * 9, bound), new Shape(out, in, 3, 3), true);
    NDArray b = param(prefix + "bias", Parameter.Type.BIAS, uniform(rng, out, bound), new Shape(out), true);
    return new NDArray[] {w, b};
  }

  private NDArray[] batchNorm(String prefix, int c) {
    return new NDArray[] {
      param(prefix + "weight", Parameter.Type.GAMMA, filled(c, 1f), new Shape(c), true),
      param(prefix + "bias", Parameter.Type.BETA, filled(c, 0f), new Shape(c), true),
      param(prefix + "running_mean", Parameter.Type.RUNNING_MEAN, filled(c, 0f), new Shape(c), false),
      param(prefix + "running_var", Parameter.Type.RUNNING_VAR, filled(c, 1f), new Shape(c), false),
      longBuffer(prefix + "num_batches_tracked", 0L)
    };
  }

  @Override
  public ModelType type() {
    return ModelType.CNN;
  }

  private static NDArray conv(NDArray x, NDArray[] wb) {
    return Conv2d.conv2d(x, wb[0], wb[1], new Shape(1, 1), new Shape(1, 1)).singletonOrThrow();
  }

  private static NDArray bn(NDArray x, NDArray[] p, boolean training) {
    long c = x.getShape().get(1);
    Shape bc = new Shape(1, c, 1, 1);
    NDArray mean;
    NDArray var;
    if (training) {
      // per-channel statistics over (N, H, W); the engine's mean reduces one axis at a time
      NDArray xc = x.transpose(1, 0, 2, 3).reshape(c, -1);
      NDArray m1 = xc.mean(new int[] {1}, true);
      NDArray v1 = xc.sub(m1).square().mean(new int[] {1}, true);
      mean = m1.reshape(bc);
      var = v1.reshape(bc);
      long n = x.getShape().size() / c;
      NDArray bm = m1.stopGradient().reshape(c);
      NDArray bv = v1.stopGradient().reshape(c).mul((float) n / (n - 1));
      p[2].muli(1f - MOMENTUM).addi(bm.mul(MOMENTUM));
      p[3].muli(1f - MOMENTUM).addi(bv.mul(MOMENTUM));
      p[4].addi(1L);
    } else {
      mean = p[2].reshape(bc);
      var = p[3].reshape(bc);
    }
    return x.sub(mean).div(var.add(EPS).sqrt()).mul(p[0].reshape(bc)).add(p[1].reshape(bc));
  }

  @Override
  protected NDArray network(NDArray x, boolean training) {
    NDArray h = bn(conv(x, conv1), bn1, training).getNDArrayInternal().relu();
    h = masks.dropout2d(h, DROPOUT, training);
    return bn(conv(h, conv2), bn2, training);
  }
}
