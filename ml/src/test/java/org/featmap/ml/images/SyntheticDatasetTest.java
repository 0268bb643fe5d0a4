package org.featmap.ml.images;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticDatasetTest {

    @Test
    void deterministicLayoutWithUniqueIdsAndNonSquareImages(@TempDir Path tmp) throws Exception {
        SyntheticDataset.Summary s = SyntheticDataset.generate(tmp.resolve("a"), 3, 2, 1, 42L, 128);
        SyntheticDataset.generate(tmp.resolve("b"), 3, 2, 1, 42L, 128);
        assertEquals(6, s.trainImages());
        DatasetIngest.Dataset ds = DatasetIngest.scan(tmp.resolve("a"), -1, true); // also proves ids unique
        assertEquals(6, ds.split("train").images().size());
        assertEquals(3, ds.split("test").images().size());
        assertEquals("00007", ds.split("test").images().get(0).id());
        for (SourceImage img : ds.split("train").images()) {
            Path other = tmp.resolve("b").resolve(tmp.resolve("a").relativize(img.file()));
            assertArrayEquals(Files.readAllBytes(img.file()), Files.readAllBytes(other), "same seed, same bytes");
        }
        RgbImage first = ImageCodec.decode(ds.split("train").images().get(0).file());
        RgbImage second = ImageCodec.decode(ds.split("train").images().get(1).file());
        assertEquals(128, first.width());
        assertEquals(120, first.height());
        assertEquals(120, second.width());
    }

    @Test
    void classesDifferMoreThanImagesWithinAClass() throws Exception {
        // mean colour per image; nearest-class-centroid on held-out images must beat chance clearly
        int classes = 6, per = 8;
        double[][][] feats = new double[classes][per][];
        for (int c = 0; c < classes; c++)
            for (int i = 0; i < per; i++)
                feats[c][i] = features(SyntheticDataset.draw(c, 64, 60, new java.util.SplittableRandom(1000L * c + i)));
        int correct = 0, total = 0;
        for (int c = 0; c < classes; c++)
            for (int i = per / 2; i < per; i++) {
                int best = -1;
                double bestD = Double.MAX_VALUE;
                for (int k = 0; k < classes; k++) {
                    double[] centroid = new double[feats[k][0].length];
                    for (int j = 0; j < per / 2; j++)
                        for (int d = 0; d < centroid.length; d++) centroid[d] += feats[k][j][d] / (per / 2);
                    double dist = 0;
                    for (int d = 0; d < centroid.length; d++) dist += Math.pow(centroid[d] - feats[c][i][d], 2);
                    if (dist < bestD) {
                        bestD = dist;
                        best = k;
                    }
                }
                if (best == c) correct++;
                total++;
            }
        // chance is 1/6; a 12-bin colour histogram with a nearest-centroid rule must do far better
        assertTrue(correct >= total * 0.6, "nearest centroid accuracy " + correct + "/" + total);
    }

    private static double[] features(RgbImage img) {
        // colour histogram: 4 bins per channel
        double[] h = new double[12];
        for (int i = 0; i < img.rgb().length; i++) h[(i % 3) * 4 + ((img.rgb()[i] & 0xFF) >> 6)]++;
        for (int i = 0; i < h.length; i++) h[i] /= img.width() * img.height();
        return h;
    }
}
