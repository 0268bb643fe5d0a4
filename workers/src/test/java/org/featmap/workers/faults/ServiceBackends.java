package org.featmap.workers.faults;

import org.testcontainers.DockerClientFactory;

/**
 * Picks the {@link ServiceBackend} for this JVM (issue #8: "where Docker exists, Testcontainers starts the
 * same services from their public images instead; the test code chooses by what is available"):
 * <ol>
 *   <li>{@code FEATMAP_SERVICES=local|containers} forces one;</li>
 *   <li>infra/local's services already answering are used as they are (test.sh and .ci/run start them);</li>
 *   <li>else a Docker engine ({@link DockerClientFactory#isDockerAvailable()}) means containers;</li>
 *   <li>else installed infra/local scripts, which start each service when a test needs it;</li>
 *   <li>else none: the test skips, or fails with {@code CI=true} ({@link FaultServices#missing}).</li>
 * </ol>
 */
final class ServiceBackends {
    private ServiceBackends() {}

    enum Kind {
        LOCAL_SCRIPTS,
        CONTAINERS
    }

    /** What this machine has, as the choice sees it. */
    record Probe(boolean localRunning, boolean dockerAvailable, boolean localInstalled) {}

    /** The choice: a kind and why, or no kind and a one-line message saying what to start. */
    record Choice(Kind kind, String why) {
        boolean available() {
            return kind != null;
        }
    }

    static final String START_SOMETHING =
            "no services for this test: infra/local is not installed and no Docker engine is available;"
                    + " run infra/local/services.sh install && infra/local/services.sh start (then eval \"$(infra/local/env.sh)\"), or start Docker";

    /** The choice for {@code FEATMAP_SERVICES} (null/blank: automatic) and what the probe found. */
    static Choice choose(String forced, Probe p) {
        String f = forced == null ? "" : forced.trim().toLowerCase(java.util.Locale.ROOT);
        switch (f) {
            case "local":
                return new Choice(Kind.LOCAL_SCRIPTS, "FEATMAP_SERVICES=local");
            case "containers":
                return p.dockerAvailable()
                        ? new Choice(Kind.CONTAINERS, "FEATMAP_SERVICES=containers")
                        : new Choice(
                                null,
                                "FEATMAP_SERVICES=containers but no Docker engine is available (Testcontainers found none); start Docker or unset FEATMAP_SERVICES");
            case "":
                break;
            default:
                return new Choice(
                        null,
                        "FEATMAP_SERVICES='" + forced + "' is not one of: local, containers (or unset for automatic)");
        }
        if (p.localRunning()) return new Choice(Kind.LOCAL_SCRIPTS, "infra/local's services are running");
        if (p.dockerAvailable()) return new Choice(Kind.CONTAINERS, "a Docker engine is available");
        if (p.localInstalled())
            return new Choice(Kind.LOCAL_SCRIPTS, "infra/local is installed (its scripts start the services)");
        return new Choice(null, START_SOMETHING);
    }

    /**
     * Testcontainers' own check. It tries its configured strategies (DOCKER_HOST, the Unix socket, ...)
     * and answers false when none works; the catch is for what its class loading or logging could still
     * throw on a machine without Docker, so a missing engine never errors a test.
     */
    static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (Throwable t) {
            return false;
        }
    }

    private static ServiceBackend chosen;
    private static String chosenWhy;
    private static final LocalScripts LOCAL = new LocalScripts();

    /** Variables of the chosen backend for a featmap process; empty before a test asked for a service. */
    static synchronized java.util.Map<String, String> currentEnv() {
        return chosen == null ? java.util.Map.of() : chosen.processEnv();
    }

    /** The backend of this JVM, chosen (and for containers started) once; never null (missing() otherwise). */
    static synchronized ServiceBackend get() throws Exception {
        if (chosen != null) return chosen;
        if (chosenWhy != null) FaultServices.missing(chosenWhy); // an earlier choice found nothing
        String forced = System.getenv("FEATMAP_SERVICES");
        String f = forced == null ? "" : forced.trim();
        boolean running = !f.equalsIgnoreCase("containers")
                && LOCAL.isUp(ServiceBackend.Service.S3)
                && LOCAL.isUp(ServiceBackend.Service.MLFLOW)
                && LOCAL.isUp(ServiceBackend.Service.TEMPORAL);
        // Ask Docker only when the answer matters (it can take a moment to try every strategy).
        boolean docker = !running && !f.equalsIgnoreCase("local") && dockerAvailable();
        Choice c = choose(forced, new Probe(running, docker, !running && LocalScripts.installed()));
        if (!c.available()) {
            chosenWhy = c.why();
            FaultServices.missing(c.why());
        }
        chosen = c.kind() == Kind.CONTAINERS ? Containers.start() : LOCAL;
        chosenWhy = c.why();
        System.out.println("fault tests' services: " + chosen.describe() + " — chosen because " + c.why());
        return chosen;
    }
}
