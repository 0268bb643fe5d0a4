package org.featmap.ml.classify;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.featmap.ml.backbone.Backbone;
import org.featmap.ml.backbone.BackboneManifest;
import org.featmap.ml.backbone.Preprocess;
import org.featmap.ml.images.ImageCodec;

/**
 * Image-level classification (spec §8.4) with the fine-tuned classifier: full backbone to its last layer
 * + the head. Preprocessing Resize(s)+CenterCrop(s) of §3.2 at the backbone size, as the reference's
 * reconstruction classifier ({@code test_img_convnext_classifier_recon.py}); the reference's
 * {@code test_img_classifier.py} squashes with Resize((s,s)) instead — not offered here.
 */
public final class ImageClassify {
  private ImageClassify() {}

  /** Top-1 / top-5 fractions over {@code n} images; top-5 = label among the min(5, K) largest logits. */
  public record TopK(int n, double top1, double top5) {}

  public static TopK topk(List<Path> images, int[] labels, Path backboneDir, Path headDir, int batchSize, Device device) throws IOException {
    if (images.size() != labels.length)
      throw new IllegalArgumentException(images.size() + " images but " + labels.length + " labels");
    if (images.isEmpty()) throw new IllegalArgumentException("no images to classify");
    if (batchSize < 1) throw new IllegalArgumentException("batchSize " + batchSize + ", must be >= 1");
    BackboneManifest m = BackboneManifest.load(backboneDir);
    String last = m.layers().get(m.layers().size() - 1).name();
    Preprocess pre = Preprocess.of(m);
    int s = pre.crop();
    int top1 = 0, top5 = 0;
    try (Backbone bb = Backbone.open(backboneDir, device, List.of(last));
        ClassifierTail tail = ClassifierTail.open(backboneDir, headDir, last, device)) {
      int k = tail.numClasses();
      for (int l : labels)
        if (l < 0 || l >= k) throw new IllegalArgumentException("label " + l + " outside the head's " + k + " classes");
      for (int start = 0; start < images.size(); start += batchSize) {
        int n = Math.min(batchSize, images.size() - start);
        float[] px = new float[n * 3 * s * s];
        for (int i = 0; i < n; i++) {
          Path f = images.get(start + i);
          try {
            pre.toChw(ImageCodec.decode(f), px, i * 3 * s * s);
          } catch (IOException | RuntimeException e) {
            throw new IOException(f + ": cannot decode image to classify: " + e.getMessage(), e);
          }
        }
        float[] logits;
        try (NDManager mgr = NDManager.newBaseManager(device, "PyTorch")) {
          NDArray feat = bb.forward(org.featmap.ml.Tensors.owned(mgr, px, new Shape(n, 3, s, s))).get(last);
          logits = tail.logits(feat).toFloatArray();
        }
        double[] r = FinetuneStage.evaluate(logits, java.util.Arrays.copyOfRange(labels, start, start + n), k);
        top1 += (int) Math.round(r[1] * n);
        top5 += (int) Math.round(r[2] * n);
      }
    }
    return new TopK(images.size(), (double) top1 / images.size(), (double) top5 / images.size());
  }
}
