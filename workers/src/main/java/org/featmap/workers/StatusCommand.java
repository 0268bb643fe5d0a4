package org.featmap.workers;

import java.util.concurrent.Callable;
import org.featmap.core.contract.SweepStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        description = "Shows a running or finished sweep's progress per stage.")
final class StatusCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "the sweep's workflow id (printed by 'featmap run')")
    String sweep;

    @Mixin
    TemporalServer server;

    @Option(
            names = "--all",
            description = "list every failed or skipped node with its own reason (default: grouped by cause)")
    boolean all;

    @Override
    public Integer call() {
        try (Temporal t = server.connect()) {
            SweepStatus s = org.featmap.workflows.LiveStatus.query(t.client(), sweep);
            System.out.printf("sweep %s (%s)%n", s.sweep(), s.finished() ? "finished" : "running");
            System.out.print(StatusPrinter.render(s));
            if (all)
                new java.util.TreeMap<>(s.failures()).forEach((id, why) -> System.out.println("  " + id + ": " + why));
            else FailureSummary.lines(s).forEach(System.out::println);
            return 0;
        }
    }
}
