package org.featmap.workers;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(
        name = "cancel",
        mixinStandardHelpOptions = true,
        description = "Cancels a sweep; running activities stop at their next heartbeat.")
final class CancelCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "the sweep's workflow id")
    String sweep;

    @Mixin
    TemporalServer server;

    @Override
    public Integer call() {
        try (Temporal t = server.connect()) {
            t.client().newUntypedWorkflowStub(sweep).cancel();
            System.out.println("cancel requested for " + sweep);
            return 0;
        }
    }
}
