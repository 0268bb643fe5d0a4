package org.featmap.workers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.featmap.core.contract.SweepStatus;
import org.junit.jupiter.api.Test;

/** Issue #16 item 6: one line per distinct cause with a count and an example node, one line for the skipped. */
class FailureSummaryTest {
    @Test
    void groupsFailuresByCauseAndCountsTheSkipped() {
        Map<String, String> f = new LinkedHashMap<>();
        f.put(
                "manipulate/CARS/train",
                "mask mask_bottom_right_square: rectangle up to (270,270) outside the 256x256 image");
        f.put(
                "manipulate/CARS/test",
                "mask mask_bottom_right_square: rectangle up to (270,270) outside the 256x256 image");
        f.put(
                "manipulate/CUB/train",
                "mask mask_bottom_right_square: rectangle up to (270,270) outside the 200x200 image");
        f.put(
                "train/CARS/direct/convnext/feat3/grayscale/linear",
                "failed: non-finite train loss NaN at epoch 3 batch 7; the last good checkpoint is kept in /w/train/ab12cd34ef56ab12/ckpt");
        f.put(
                "train/CUB/direct/convnext/feat3/grayscale/mlp",
                "failed: non-finite train loss NaN at epoch 0 batch 1; the last good checkpoint is kept in /w/train/0123456789ab/ckpt");
        f.put("extract/convnext/CARS/train/direct", "/m/convnext: backbone manifest missing");
        for (int i = 0; i < 2022; i++)
            f.put(
                    "test/CARS/direct/convnext/feat3/m" + i + "/linear",
                    "skipped: input extract/convnext/CARS/test/direct did not finish");
        f.put("report/x", "skipped: input cell:a did not finish");
        SweepStatus s = new SweepStatus("x", Map.of(), f, true, 0, 0, 0);
        List<String> lines = FailureSummary.lines(s);
        assertEquals(
                List.of(
                        "failed: 6 nodes, 3 distinct causes:",
                        "      3 × manipulate/CARS/test: mask mask_bottom_right_square: rectangle up to (270,270) outside the 256x256 image",
                        "      2 × train/CARS/direct/convnext/feat3/grayscale/linear: non-finite train loss NaN at epoch 3 batch 7; the last good checkpoint is kept in /w/train/ab12cd34ef56ab12/ckpt",
                        "      1 × extract/convnext/CARS/train/direct: /m/convnext: backbone manifest missing",
                        "skipped: 2023 nodes whose inputs did not finish (report 1, test 2022)"),
                lines);
    }

    @Test
    void perFileFailuresAreGroupedAcrossNodes() {
        Map<String, List<String>> byNode = new LinkedHashMap<>();
        byNode.put(
                "edit/CARS/train",
                List.of(
                        "/e/train/00099_Preening_one_wing.jpg: id '00099' is not an image of split train of /d",
                        "/e/train/00098_Preening_one_wing.jpg: id '00098' is not an image of split train of /d",
                        "/e/train/x.jpg: not a JPEG or PNG"));
        byNode.put("manipulate/CARS/test", List.of("/d/images/test/a/00007.jpg: not a JPEG or PNG"));
        List<String> lines = FailureSummary.itemLines(byNode, "the manifests");
        assertEquals(
                "files that failed inside nodes: 4 in 2 nodes, 2 distinct causes (every line: the manifests):",
                lines.get(0));
        assertEquals(
                "      2 × edit/CARS/train: /e/train/00099_Preening_one_wing.jpg: id '00099' is not an image of split train of /d",
                lines.get(1));
        assertTrue(lines.get(2).startsWith("      2 × edit/CARS/train: /e/train/x.jpg: not a JPEG"), lines.get(2));
        assertEquals(3, lines.size());
        assertEquals(List.of(), FailureSummary.itemLines(Map.of(), "x"));
    }
}
