package org.featmap.workers;

import java.util.Map;
import org.featmap.core.contract.SweepStatus;

/** Draws a sweep's progress: one bar per stage. */
final class StatusPrinter {
    private StatusPrinter() {}

    /** Stages in graph order (a status that came through JSON has lost its map order). */
    static java.util.List<Map.Entry<String, SweepStatus.StageCount>> ordered(SweepStatus s) {
        java.util.List<Map.Entry<String, SweepStatus.StageCount>> l =
                new java.util.ArrayList<>(s.stages().entrySet());
        l.sort(java.util.Comparator.comparingInt(
                e -> org.featmap.core.stage.Stage.of(e.getKey()).ordinal()));
        return l;
    }

    static String render(SweepStatus s) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, SweepStatus.StageCount> e : ordered(s)) {
            SweepStatus.StageCount c = e.getValue();
            int width = 24;
            int filled = c.total() == 0
                    ? 0
                    : (int) Math.round(width * (double) (c.done() + c.failed() + c.skipped()) / c.total());
            sb.append(String.format(
                    "  %-12s [%s%s] %4d/%-4d",
                    e.getKey(), "#".repeat(filled), ".".repeat(width - filled), c.done(), c.total()));
            if (c.cached() > 0) sb.append(" cached ").append(c.cached());
            if (c.running() > 0) sb.append(" running ").append(c.running());
            if (c.failed() > 0) sb.append(" FAILED ").append(c.failed());
            if (c.skipped() > 0) sb.append(" skipped ").append(c.skipped());
            sb.append('\n');
        }
        return sb.toString();
    }

    static String oneLine(SweepStatus s) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, SweepStatus.StageCount> e : ordered(s)) {
            SweepStatus.StageCount c = e.getValue();
            sb.append(e.getKey()).append(' ').append(c.done()).append('/').append(c.total());
            if (c.running() > 0) sb.append(" (").append(c.running()).append(" running)");
            if (c.failed() > 0) sb.append(" (").append(c.failed()).append(" failed)");
            sb.append("  ");
        }
        return sb.toString().trim();
    }
}
