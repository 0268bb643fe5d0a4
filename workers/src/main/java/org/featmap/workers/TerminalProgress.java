package org.featmap.workers;

import java.io.PrintStream;
import org.featmap.core.contract.Progress;

/**
 * A progress bar on stderr for long standalone commands: redrawn in place (carriage return, no escape
 * sequences) at most every 200 ms on a terminal, one line per tenth when stderr is a file or a pipe.
 */
final class TerminalProgress implements Progress {
    private final String label;
    private final PrintStream err;
    private final boolean terminal;
    private long lastDraw;
    private long lastTenth = -1;

    TerminalProgress(String label) {
        this(label, System.err, System.console() != null);
    }

    TerminalProgress(String label, PrintStream err, boolean terminal) {
        this.label = label;
        this.err = err;
        this.terminal = terminal;
    }

    @Override
    public void report(long done, long total, String checkpoint) {
        if (total <= 0) return;
        boolean end = done >= total;
        if (terminal) {
            long now = System.nanoTime();
            if (!end && now - lastDraw < 200_000_000L) return;
            lastDraw = now;
            err.print("\r" + bar(done, total) + (end ? "\n" : ""));
            err.flush();
        } else {
            long tenth = done * 10 / total;
            if (tenth == lastTenth) return;
            lastTenth = tenth;
            err.println(bar(done, total));
        }
    }

    String bar(long done, long total) {
        int width = 30;
        int filled = (int) (width * done / total);
        return String.format("%s [%s%s] %,d/%,d", label, "#".repeat(filled), ".".repeat(width - filled), done, total);
    }
}
