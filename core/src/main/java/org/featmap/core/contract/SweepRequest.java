package org.featmap.core.contract;

import java.util.Map;
import org.featmap.core.config.SweepConfig;

/**
 * The start argument of a sweep: the resolved config (environment already expanded, no secrets)
 * and the fingerprints of what it points to. The workflow plans from exactly this.
 *
 * @param launch who launched the sweep and from which code, for the sweep's tracking run; null when
 *     not known (requests recorded before it existed, tests)
 */
public record SweepRequest(SweepConfig config, Map<String, String> fingerprints, boolean tracking, Launch launch) {
    public SweepRequest {
        fingerprints = Map.copyOf(fingerprints);
    }

    public SweepRequest(SweepConfig config, Map<String, String> fingerprints, boolean tracking) {
        this(config, fingerprints, tracking, null);
    }

    /**
     * Taken by the CLI when it starts the sweep (workers may run as another account, elsewhere).
     *
     * @param user the launching person's account name
     * @param version the project version ({@code featmap --version})
     * @param gitCommit the checkout's HEAD commit, or null when not run from a git checkout
     * @param gitDirty whether that checkout had uncommitted changes to tracked files
     * @param startedAtMillis when the CLI started the sweep (names the sweep run)
     */
    public record Launch(String user, String version, String gitCommit, boolean gitDirty, long startedAtMillis) {}
}
