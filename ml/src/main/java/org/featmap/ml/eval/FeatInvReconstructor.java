package org.featmap.ml.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Path;
import org.featmap.core.contract.Progress;

/**
 * FeatInv reconstruction from an export described by a {@link FeatInvManifest}: raw feature maps
 * (B, C, H, W) of the manifest's layer → DDIM (spec §7.4) → B uint8 RGB images. The noise x_T is the
 * caller's (the reference draws it with torch's generator after seed_everything(100)).
 */
public final class FeatInvReconstructor implements AutoCloseable {
  private final FeatInvManifest manifest;
  private final TorchScriptModule eps;
  private final TorchScriptModule decoder;
  private final float[] cond;
  private final float[] uncond;
  private final int steps;
  private final float guidance;

  private FeatInvReconstructor(FeatInvManifest manifest, TorchScriptModule eps, TorchScriptModule decoder, float[] cond,
      float[] uncond, int steps, float guidance) {
    this.manifest = manifest;
    this.eps = eps;
    this.decoder = decoder;
    this.cond = cond;
    this.uncond = uncond;
    this.steps = steps;
    this.guidance = guidance;
  }

  /** Loads the export with the reference's sampler settings (50 steps, CFG 1.75). */
  public static FeatInvReconstructor open(Path manifestJson) throws IOException {
    return open(manifestJson, DdimSampler.Options.FEATINV.steps(), DdimSampler.Options.FEATINV.guidanceScale());
  }

  public static FeatInvReconstructor open(Path manifestJson, int steps, float guidance) throws IOException {
    FeatInvManifest m = FeatInvManifest.read(manifestJson);
    float[] c = m.readContext(manifestJson, m.condContextFile());
    float[] u = m.readContext(manifestJson, m.uncondContextFile());
    TorchScriptModule e = TorchScriptModule.load(manifestJson.resolveSibling(m.epsFile()));
    try {
      TorchScriptModule d = TorchScriptModule.load(manifestJson.resolveSibling(m.decoderFile()));
      return new FeatInvReconstructor(m, e, d, c, u, steps, guidance);
    } catch (IOException ex) {
      e.close();
      throw ex;
    }
  }

  public FeatInvManifest manifest() {
    return manifest;
  }

  /**
   * @param features raw (unnormalised) maps (B, C, H, W) of the manifest's layer
   * @param xT noise (B, 4, h, w)
   */
  public DdimSampler.Result reconstruct(NDArray features, NDArray xT, Progress progress) {
    Shape fs = features.getShape();
    if (fs.dimension() != 4 || fs.get(0) != xT.getShape().get(0))
      throw new IllegalArgumentException("features must be (B,C,H,W) with x_T's batch, got " + fs + " and " + xT.getShape());
    manifest.requireLayer(manifest.backbone(), manifest.featureKey(), (int) fs.get(1), (int) fs.get(2), (int) fs.get(3));
    long b = fs.get(0);
    // a traced export has its batch baked in (eps at 2B = both guidance branches, decoder at B)
    if (manifest.tracedBatch() > 0 && manifest.tracedBatch() != 2 * b)
      throw new IllegalArgumentException("FeatInv export was traced for eps batch " + manifest.tracedBatch()
          + " (= " + manifest.tracedBatch() / 2 + " reconstructions at a time), got " + b);
    boolean batched = true;
    NDManager m = xT.getManager();
    try (NDManager scope = m.newSubManager()) {
      NDArray c = scope.create(cond, new Shape(manifest.contextShapeArray()));
      NDArray u = scope.create(uncond, new Shape(manifest.contextShapeArray()));
      DdimSampler sampler = new DdimSampler(eps, decoder, new DdimSampler.Options(steps, guidance, batched));
      return sampler.sample(xT, c, u, features, progress);
    }
  }

  @Override
  public void close() {
    eps.close();
    decoder.close();
  }
}
