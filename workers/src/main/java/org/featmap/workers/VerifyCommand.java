package org.featmap.workers;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.featmap.activities.stage.CacheCheck;
import org.featmap.activities.store.Stores;
import org.featmap.core.config.ConfigLoader;
import org.featmap.core.config.SweepConfig;
import org.featmap.core.graph.ExperimentGraph;
import org.featmap.core.graph.Node;
import org.featmap.core.graph.Planner;
import org.featmap.core.store.ArtifactRef;
import org.featmap.core.store.ArtifactStore;
import org.featmap.core.store.CorruptArtifactException;
import org.featmap.core.store.NodeManifest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The full byte check of a sweep's store, on demand (issue #13 item 2): a launch checks manifests only,
 * and a node checks the hashes of what it reads, so this is where every committed byte is read back.
 * Every committed node of the config's plan has each artifact streamed and its size and sha256 compared
 * with its manifest; a node that fails is un-committed (manifest first), so the next {@code featmap run}
 * recomputes it and what reads it.
 */
@Command(
        name = "verify",
        mixinStandardHelpOptions = true,
        description =
                "Reads back every committed artifact of a sweep and checks its sha256; corrupt nodes are un-committed"
                        + " (the next run recomputes them). Exit 1 if any was corrupt.")
final class VerifyCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "sweep config (YAML)")
    java.nio.file.Path config;

    @Option(names = "--store", description = "artifact store: a folder or s3://bucket/prefix (overrides the config)")
    String store;

    @Option(names = "--keep", description = "report corrupt nodes but leave them committed")
    boolean keep;

    @Override
    public Integer call() throws Exception {
        SweepConfig cfg = Resolve.absolute(ConfigLoader.load(config), store);
        ExperimentGraph g = Planner.plan(cfg, Fingerprints.of(cfg));
        try (ArtifactStore s = Stores.open(cfg.sweep().store())) {
            List<String> keys = new ArrayList<>();
            for (Node n : g.nodes()) keys.add(n.stage().id() + "/" + n.key());
            System.err.println("verify: reading " + keys.size() + " manifests of "
                    + cfg.sweep().store());
            List<CacheCheck.Verdict> verdicts = CacheCheck.check(s, keys, 16, new TerminalProgress("manifests"));
            List<NodeManifest> committed = new ArrayList<>();
            record Bad(String stage, String key, String why) {}
            List<Bad> bad = new ArrayList<>();
            long total = 0;
            int i = 0;
            for (CacheCheck.Verdict v : verdicts) {
                Node n = g.nodes().get(i++);
                if (v.outcome() == CacheCheck.Outcome.BROKEN)
                    bad.add(new Bad(v.stage(), v.key(), n.id() + " (" + v.stageKey() + "): " + v.reason()));
                if (v.outcome() != CacheCheck.Outcome.HIT) continue;
                Optional<NodeManifest> m = s.manifest(n.stage().id(), n.key());
                if (m.isEmpty()) continue;
                committed.add(m.get());
                for (ArtifactRef r : m.get().artifacts().values()) total += r.bytes();
            }
            TerminalProgress bar = new TerminalProgress("bytes");
            long done = 0;
            long t0 = System.nanoTime();
            for (NodeManifest m : committed) {
                for (ArtifactRef r : m.artifacts().values()) {
                    try {
                        s.verify(r);
                    } catch (CorruptArtifactException
                            | java.io.FileNotFoundException
                            | java.nio.file.NoSuchFileException e) {
                        bad.add(new Bad(m.stage(), m.key(), m.stage() + "/" + m.key() + ": " + e.getMessage()));
                        break;
                    }
                    done += r.bytes();
                    bar.report(done, total, null);
                }
            }
            bar.report(total, total, null);
            double secs = (System.nanoTime() - t0) / 1e9;
            System.out.printf(
                    "verify: %d of %d nodes committed, %,d bytes read in %.1f s (%.0f MB/s), %d corrupt%n",
                    committed.size(), g.nodes().size(), done, secs, done / 1e6 / Math.max(secs, 1e-9), bad.size());
            for (Bad b : bad) System.out.println("  corrupt: " + b.why());
            if (!bad.isEmpty() && !keep) {
                for (Bad b : bad) s.delete(b.stage(), b.key());
                System.out.println("verify: un-committed " + bad.size()
                        + " node(s); the next featmap run recomputes them and what reads them");
            }
            return bad.isEmpty() ? 0 : 1;
        }
    }
}
