package org.featmap.ml.reconstruct;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DecoderModelTest {

    @Test
    void plansStagesPerLayer() {
        DecoderShape feat3 = new DecoderShape(256, 9, 9, 64, 64), feat2 = new DecoderShape(128, 18, 18, 64, 64);
        DecoderShape feat0 = new DecoderShape(32, 72, 72, 64, 64), odd = new DecoderShape(1024, 9, 9, 48, 32);
        assertArrayEquals(new int[] {3, 8}, new int[] {feat3.upsamples(), feat3.base()});
        assertArrayEquals(new int[] {2, 16}, new int[] {feat2.upsamples(), feat2.base()});
        assertArrayEquals(new int[] {0, 64}, new int[] {feat0.upsamples(), feat0.base()});
        assertArrayEquals(new int[] {2, 12}, new int[] {odd.upsamples(), odd.base()}); // 48/9 → 4× from 12
        assertEquals(16, feat3.lastWidth());
        assertThrows(IllegalArgumentException.class, () -> new DecoderShape(256, 9, 9, 64, 20));
    }

    @Test
    void outputsImagesOfSizeSInUnitRange() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            for (DecoderShape s : new DecoderShape[] {
                new DecoderShape(64, 9, 9, 32, 32),
                new DecoderShape(32, 72, 72, 64, 16),
                new DecoderShape(8, 9, 7, 40, 16)
            }) {
                DecoderModel.Built b = DecoderModel.create(m, s, 3);
                NDArray y = b.block()
                        .forward(
                                new ParameterStore(m, false),
                                new NDList(m.randomNormal(new Shape(2, s.channels(), s.featHeight(), s.featWidth()))),
                                false)
                        .singletonOrThrow();
                assertEquals(new Shape(2, 3, s.imageSize(), s.imageSize()), y.getShape(), s.toString());
                assertTrue(y.min().getFloat() > 0 && y.max().getFloat() < 1);
            }
        }
    }

    @Test
    void pytorchDefaultInitFromSeed() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            DecoderShape s = new DecoderShape(256, 9, 9, 32, 32);
            DecoderModel.Built a = DecoderModel.create(m, s, 5),
                    b = DecoderModel.create(m, s, 5),
                    c = DecoderModel.create(m, s, 6);
            float[] w0 =
                    a.convs().get(0).getParameters().get("weight").getArray().toFloatArray(); // 1×1 conv, fan_in 256
            double bound = 1 / Math.sqrt(256), sq = 0;
            for (float v : w0) {
                assertTrue(Math.abs(v) <= bound);
                sq += v * v;
            }
            assertEquals(bound / Math.sqrt(3), Math.sqrt(sq / w0.length), 0.02 * bound); // std of U(-b, b)
            assertArrayEquals(
                    w0,
                    b.convs().get(0).getParameters().get("weight").getArray().toFloatArray());
            assertFalse(java.util.Arrays.equals(
                    w0,
                    c.convs().get(0).getParameters().get("weight").getArray().toFloatArray()));
            float[] b3 =
                    a.convs().get(1).getParameters().get("bias").getArray().toFloatArray(); // 3×3 conv, fan_in 32·9
            for (float v : b3) assertTrue(Math.abs(v) <= 1 / Math.sqrt(32 * 9));
        }
    }

    @Test
    void groupNormMatchesTheFormula() {
        int n = 2, ch = 16, h = 5, w = 3, groups = 8;
        Random r = new Random(1);
        float[] x = new float[n * ch * h * w];
        for (int i = 0; i < x.length; i++) x[i] = (float) (r.nextGaussian() * 3 + 1);
        float[] gamma = new float[ch], beta = new float[ch];
        for (int c = 0; c < ch; c++) {
            gamma[c] = 0.5f + c * 0.1f;
            beta[c] = c * 0.01f - 0.05f;
        }
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            GroupNormBlock gn = new GroupNormBlock(groups, ch);
            gn.initialize(m, DataType.FLOAT32, new Shape(n, ch, h, w));
            Parameter g = gn.getParameters().get("gamma"),
                    b = gn.getParameters().get("beta");
            g.getArray().set(java.nio.FloatBuffer.wrap(gamma));
            b.getArray().set(java.nio.FloatBuffer.wrap(beta));
            float[] got = gn.forward(
                            new ParameterStore(m, false), new NDList(m.create(x, new Shape(n, ch, h, w))), false)
                    .singletonOrThrow()
                    .toFloatArray();
            int per = ch / groups * h * w;
            for (int s = 0; s < n; s++)
                for (int gi = 0; gi < groups; gi++) {
                    int off = (s * groups + gi) * per;
                    double mean = 0, var = 0;
                    for (int i = 0; i < per; i++) mean += x[off + i];
                    mean /= per;
                    for (int i = 0; i < per; i++) var += (x[off + i] - mean) * (x[off + i] - mean);
                    var /= per; // biased, as torch.nn.GroupNorm
                    for (int i = 0; i < per; i++) {
                        int c = (off + i) / (h * w) % ch;
                        double expect = (x[off + i] - mean) / Math.sqrt(var + 1e-5) * gamma[c] + beta[c];
                        assertEquals(expect, got[off + i], 1e-5, "sample " + s + " group " + gi + " i " + i);
                    }
                }
        }
    }
}
