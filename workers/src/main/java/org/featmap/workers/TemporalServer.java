package org.featmap.workers;

import picocli.CommandLine.Option;

/** The Temporal server a command talks to (a picocli mixin of status, cancel and worker). */
final class TemporalServer {
    @Option(names = "--temporal", required = true, description = "Temporal frontend HOST:PORT")
    String target;

    @Option(
            names = "--namespace",
            defaultValue = "default",
            description = "Temporal namespace (default: ${DEFAULT-VALUE})")
    String namespace;

    Temporal connect() {
        return Temporal.connect(target, namespace);
    }
}
