package org.featmap.workers.faults;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import org.featmap.workers.faults.ServiceBackends.Choice;
import org.featmap.workers.faults.ServiceBackends.Kind;
import org.featmap.workers.faults.ServiceBackends.Probe;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/** How the fault tests choose their services, and what they do when there are none (no services needed). */
class ServiceBackendsTest {
    @Test
    void runningLocalServicesAreUsedAsTheyAre() {
        assertEquals(
                Kind.LOCAL_SCRIPTS,
                ServiceBackends.choose(null, new Probe(true, true, true)).kind());
        assertEquals(
                Kind.LOCAL_SCRIPTS,
                ServiceBackends.choose("", new Probe(true, false, false)).kind());
    }

    @Test
    void dockerMeansContainersWhenNothingRunsLocally() {
        assertEquals(
                Kind.CONTAINERS,
                ServiceBackends.choose(null, new Probe(false, true, true)).kind());
        assertEquals(
                Kind.CONTAINERS,
                ServiceBackends.choose(" ", new Probe(false, true, false)).kind());
    }

    @Test
    void withoutDockerTheLocalScriptsStartTheServices() {
        Choice c = ServiceBackends.choose(null, new Probe(false, false, true));
        assertEquals(Kind.LOCAL_SCRIPTS, c.kind());
        assertTrue(c.why().contains("installed"), c.why());
    }

    @Test
    void neitherDockerNorLocalScriptsSaysWhatToStartInOneLine() {
        Choice c = ServiceBackends.choose(null, new Probe(false, false, false));
        assertFalse(c.available());
        assertFalse(c.why().contains("\n"), c.why());
        assertTrue(c.why().contains("infra/local/services.sh install && infra/local/services.sh start"), c.why());
        assertTrue(c.why().contains("Docker"), c.why());
    }

    @Test
    void inCiAMissingServiceFailsAndLocallyItSkips() {
        String msg =
                ServiceBackends.choose(null, new Probe(false, false, false)).why();
        AssertionFailedError failed = assertThrows(AssertionFailedError.class, () -> FaultServices.missing(true, msg));
        assertEquals(msg, failed.getMessage());
        TestAbortedException skipped =
                assertThrows(TestAbortedException.class, () -> FaultServices.missing(false, msg));
        assertTrue(skipped.getMessage().contains(msg), skipped.getMessage());
    }

    @Test
    void forcedChoicesAndBadValues() {
        assertEquals(
                Kind.LOCAL_SCRIPTS,
                ServiceBackends.choose("local", new Probe(false, true, false)).kind());
        assertEquals(
                Kind.CONTAINERS,
                ServiceBackends.choose("Containers", new Probe(true, true, true))
                        .kind());
        Choice noDocker = ServiceBackends.choose("containers", new Probe(true, false, true));
        assertFalse(noDocker.available());
        assertTrue(noDocker.why().contains("no Docker engine"), noDocker.why());
        Choice bad = ServiceBackends.choose("kubernetes", new Probe(true, true, true));
        assertFalse(bad.available());
        assertTrue(
                bad.why().contains("FEATMAP_SERVICES='kubernetes'") && bad.why().contains("local, containers"),
                bad.why());
    }

    /** Testcontainers' real check answers (never throws) here; with no socket and no DOCKER_HOST it says no. */
    @Test
    void theDockerCheckAnswersWithoutThrowing() {
        boolean docker = ServiceBackends.dockerAvailable();
        boolean noEngineHere = !Files.exists(Path.of("/var/run/docker.sock"))
                && System.getenv("DOCKER_HOST") == null
                && !Files.exists(Path.of(System.getProperty("user.home"), ".testcontainers.properties"));
        if (noEngineHere)
            assertFalse(docker, "Testcontainers found a Docker engine on a machine without a socket or DOCKER_HOST");
    }
}
