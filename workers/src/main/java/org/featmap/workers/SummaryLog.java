package org.featmap.workers;

import org.featmap.core.contract.SweepStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every failed or skipped node with its own reason, in the log file of an interactive command
 * (logback-cli.xml sends logger {@code featmap.summary} to the file only); the terminal gets the grouped
 * summary of {@link FailureSummary}.
 */
final class SummaryLog {
    private SummaryLog() {}

    static final Logger LOG = LoggerFactory.getLogger("featmap.summary");

    static void record(SweepStatus s, int failedFiles) {
        s.failures().entrySet().stream()
                .sorted(java.util.Map.Entry.comparingByKey())
                .forEach(e -> LOG.info("node {}: {}", e.getKey(), e.getValue()));
        String file = Featmap.logFile();
        if (file != null
                && (!s.failures().isEmpty() || failedFiles > 0)
                && java.nio.file.Files.exists(java.nio.file.Path.of(file)))
            System.out.println("every node's reason and the stack traces: " + file);
    }
}
