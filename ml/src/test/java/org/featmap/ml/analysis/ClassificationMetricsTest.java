package org.featmap.ml.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import org.featmap.ml.analysis.ClassificationMetrics.Probs;
import org.featmap.ml.eval.MetricFixtures;
import org.junit.jupiter.api.Test;

class ClassificationMetricsTest {
    private static final Probs ORIG = new Probs(new float[] {0.7f, 0.2f, 0.1f, 0.5f, 0.3f, 0.2f}, new int[] {0, 1}, 3);
    private static final Probs OTHER = new Probs(new float[] {0.1f, 0.2f, 0.7f, 0.5f, 0.3f, 0.2f}, new int[] {0, 1}, 3);

    @Test
    void av15() {
        assertArrayEquals(new double[] {0.72984666, 0.93723059}, ClassificationMetrics.entropy(ORIG, 2), 1e-7);
        ClassificationMetrics.Row r = ClassificationMetrics.compute(
                ORIG, OTHER, OTHER, "linear_rotation_90", "rotation_90", "feat3", "STANFORD_CARS");
        assertEquals(0.83353865, r.entropyOrig().mean(), 1e-7);
        assertEquals(0.14664258, r.entropyOrig().std(), 1e-7);
        assertEquals(0.83353865, r.entropyMapped().mean(), 1e-7);
        assertArrayEquals(new double[] {0.3651484328356701, 0.0}, ClassificationMetrics.jsd(ORIG, OTHER, 2), 1e-7);
        assertEquals(0.18257421, r.jsdOrigEdit().mean(), 1e-7);
        assertEquals(0.25819892, r.jsdOrigEdit().std(), 1e-7);
        assertEquals(0.0, r.top1ProbDiffMapped().mean(), 1e-7);
        assertEquals(0.5, r.top1AgreementOrigMapped());
        assertEquals("linear", r.modelType());
        assertEquals(2, r.nSamples());
    }

    @Test
    void av15JsdExactZeroIsNaN() {
        Probs p = new Probs(new float[] {1, 0, 0}, new int[] {0}, 3);
        Probs q = new Probs(new float[] {0.5f, 0.5f, 0}, new int[] {0}, 3);
        assertTrue(Double.isNaN(ClassificationMetrics.jsd(p, q, 1)[0]));
    }

    @Test
    void av15TopK() {
        Probs p = new Probs(
                new float[] {
                    0.1f, 0.5f, 0.2f, 0.15f, 0.05f, 0.0f, 0.3f, 0.1f, 0.2f, 0.25f, 0.1f, 0.05f, 0.04f, 0.06f, 0.1f,
                    0.11f, 0.29f, 0.4f
                },
                new int[] {2, 0, 0},
                6);
        assertEquals(1.0 / 3, ClassificationMetrics.topK(p, p.targets(), 3, 1), 1e-12);
        assertEquals(2.0 / 3, ClassificationMetrics.topK(p, p.targets(), 3, 5), 1e-12);
    }

    @Test
    void matchesTorchFixtureAndCsvLayout() {
        JsonNode f = MetricFixtures.load("class_probs.json");
        int k = f.get("k").asInt();
        int[] t = MetricFixtures.ints(f.get("targets"));
        Probs o = new Probs(MetricFixtures.floats(f.get("orig")), t, k);
        Probs e = new Probs(MetricFixtures.floats(f.get("edit")), t, k);
        Probs m = new Probs(MetricFixtures.floats(f.get("mapped")), t, k);
        ClassificationMetrics.Row r =
                ClassificationMetrics.compute(o, e, m, "transformer", "grayscale", "feat2", "STANFORD_CARS");
        JsonNode x = f.get("expected");
        double tol = 1e-6;
        assertEquals(x.get("acc_orig_top1").asDouble(), r.accOrigTop1(), tol);
        assertEquals(x.get("acc_edit_top1").asDouble(), r.accEditTop1(), tol);
        assertEquals(x.get("acc_mapped_top1").asDouble(), r.accMappedTop1(), tol);
        assertEquals(x.get("acc_orig_top5").asDouble(), r.accOrigTop5(), tol);
        assertEquals(x.get("acc_edit_top5").asDouble(), r.accEditTop5(), tol);
        assertEquals(x.get("acc_mapped_top5").asDouble(), r.accMappedTop5(), tol);
        assertStat(x.get("entropy_orig"), r.entropyOrig());
        assertStat(x.get("entropy_edit"), r.entropyEdit());
        assertStat(x.get("entropy_mapped"), r.entropyMapped());
        assertStat(x.get("jsd_orig_edit"), r.jsdOrigEdit());
        assertStat(x.get("jsd_orig_mapped"), r.jsdOrigMapped());
        assertStat(x.get("top1_prob_diff_edit"), r.top1ProbDiffEdit());
        assertStat(x.get("top1_prob_diff_mapped"), r.top1ProbDiffMapped());
        assertEquals(x.get("top1_agreement_orig_mapped").asDouble(), r.top1AgreementOrigMapped(), tol);
        assertEquals(x.get("top1_agreement_edit_mapped").asDouble(), r.top1AgreementEditMapped(), tol);
        assertEquals(27, ClassificationMetrics.CSV_COLUMNS.size());
        assertEquals(ClassificationMetrics.CSV_COLUMNS.size(), r.csvValues().size());
        assertEquals("STANFORD_CARS", r.csvValues().get(26));
        assertEquals("24", r.csvValues().get(22));
    }

    private static void assertStat(JsonNode ms, ClassificationMetrics.Stat s) {
        assertEquals(
                ms.get(0).asDouble(),
                s.mean(),
                2e-6 * Math.max(1, Math.abs(ms.get(0).asDouble())));
        assertEquals(
                ms.get(1).asDouble(),
                s.std(),
                2e-6 * Math.max(1, Math.abs(ms.get(1).asDouble())));
    }

    @Test
    void badInput() {
        assertThrows(IllegalArgumentException.class, () -> new Probs(new float[0], new int[0], 3));
        assertThrows(IllegalArgumentException.class, () -> new Probs(new float[5], new int[2], 3));
    }
}
