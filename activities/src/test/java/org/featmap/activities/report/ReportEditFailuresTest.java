package org.featmap.activities.report;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Map;
import org.featmap.core.store.NodeManifest;
import org.featmap.ml.report.HtmlReport;
import org.junit.jupiter.api.Test;

/** Issue #16: the files an edit import could not take are in the report, per import node. */
class ReportEditFailuresTest {
    @Test
    void eachImportsRejectedFilesAreListed() {
        NodeManifest train = new NodeManifest(
                "edit",
                "k1",
                1,
                Map.of(),
                Map.of("imported", "40"),
                List.of("00007_Foo.jpg: unknown generative edit 'Foo'", "x.jpg: name is not <ID>_<edit>.<ext>"),
                5);
        NodeManifest test = new NodeManifest("edit", "k2", 1, Map.of(), Map.of("imported", "20"), List.of(), 5);
        HtmlReport.Block[] b =
                ReportStages.editBlocks(Map.of("edit/D/train", train, "edit/D/test", test), List.of("edit/E/train"));
        HtmlReport.Table counts = (HtmlReport.Table) b[0];
        assertTrue(
                counts.rows().contains(List.of("edit/D/train", "40", "2")),
                counts.rows().toString());
        assertTrue(counts.rows().contains(List.of("edit/D/test", "20", "0")));
        HtmlReport.Table failed = (HtmlReport.Table) b[1];
        assertEquals(
                List.of(
                        List.of("edit/D/train", "00007_Foo.jpg: unknown generative edit 'Foo'"),
                        List.of("edit/D/train", "x.jpg: name is not <ID>_<edit>.<ext>")),
                failed.rows());
        assertEquals("edit/E/train", ((HtmlReport.Missing) b[2]).what());
    }
}
