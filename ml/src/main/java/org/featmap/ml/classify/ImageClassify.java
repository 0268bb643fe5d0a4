package org.featmap.ml.classify;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.featmap.ml.backbone.Backbone;
import org.featmap.ml.backbone.BackboneManifest;
import org.featmap.ml.backbone.Preprocess;
import org.featmap.ml.images.ImageCodec;
import org.featmap.ml.images.RgbImage;

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

    public static TopK topk(
            List<Path> images, int[] labels, Path backboneDir, Path headDir, int batchSize, Device device)
            throws IOException {
        if (images.size() != labels.length)
            throw new IllegalArgumentException(images.size() + " images but " + labels.length + " labels");
        if (images.isEmpty()) throw new IllegalArgumentException("no images to classify");
        if (batchSize < 1) throw new IllegalArgumentException("batchSize " + batchSize + ", must be >= 1");
        int top1 = 0, top5 = 0;
        try (Classifier c = Classifier.open(backboneDir, headDir, device)) {
            int k = c.numClasses();
            for (int l : labels)
                if (l < 0 || l >= k)
                    throw new IllegalArgumentException("label " + l + " outside the head's " + k + " classes");
            for (int start = 0; start < images.size(); start += batchSize) {
                int n = Math.min(batchSize, images.size() - start);
                List<RgbImage> batch = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    Path f = images.get(start + i);
                    try {
                        batch.add(ImageCodec.decode(f));
                    } catch (IOException | RuntimeException e) {
                        throw new IOException(f + ": cannot decode image to classify: " + e.getMessage(), e);
                    }
                }
                double[] r = FinetuneStage.evaluate(
                        c.logits(batch), java.util.Arrays.copyOfRange(labels, start, start + n), k);
                top1 += (int) Math.round(r[1] * n);
                top5 += (int) Math.round(r[2] * n);
            }
        }
        return new TopK(images.size(), (double) top1 / images.size(), (double) top5 / images.size());
    }

    /**
     * The full fine-tuned classifier (backbone to its last layer + head) on decoded images, opened once
     * for many batches. Preprocessing as the class comment says (Resize + CenterCrop at the backbone size).
     */
    public static final class Classifier implements AutoCloseable {
        private final Backbone backbone;
        private final ClassifierTail tail;
        private final Preprocess pre;
        private final String last;
        private final Device device;

        private Classifier(Backbone backbone, ClassifierTail tail, Preprocess pre, String last, Device device) {
            this.backbone = backbone;
            this.tail = tail;
            this.pre = pre;
            this.last = last;
            this.device = device;
        }

        /** @param headDir a fine-tuned head (finetune node's head/) trained on {@code backboneDir}'s last layer */
        public static Classifier open(Path backboneDir, Path headDir, Device device) throws IOException {
            BackboneManifest m = BackboneManifest.load(backboneDir);
            String last = m.layers().get(m.layers().size() - 1).name();
            Backbone bb = Backbone.open(backboneDir, device, List.of(last));
            try {
                return new Classifier(
                        bb, ClassifierTail.open(backboneDir, headDir, last, device), Preprocess.of(m), last, device);
            } catch (IOException | RuntimeException e) {
                bb.close();
                throw e;
            }
        }

        public int numClasses() {
            return tail.numClasses();
        }

        /** Logits (n × K, row-major) of one batch. */
        public float[] logits(List<RgbImage> images) {
            return run(images, false);
        }

        /** Softmax probabilities (n × K, row-major, float32) of one batch. */
        public float[] probs(List<RgbImage> images) {
            return run(images, true);
        }

        private float[] run(List<RgbImage> images, boolean softmax) {
            int n = images.size(), s = pre.crop();
            if (n == 0) throw new IllegalArgumentException("no images to classify");
            float[] px = new float[n * 3 * s * s];
            for (int i = 0; i < n; i++) pre.toChw(images.get(i), px, i * 3 * s * s);
            try (NDManager mgr = org.featmap.ml.ComputeDevice.manager(device)) {
                NDArray feat = backbone.forward(org.featmap.ml.Tensors.owned(mgr, px, new Shape(n, 3, s, s)))
                        .get(last);
                return (softmax ? tail.probs(feat) : tail.logits(feat)).toFloatArray();
            }
        }

        @Override
        public void close() {
            try {
                tail.close();
            } finally {
                backbone.close();
            }
        }
    }
}
