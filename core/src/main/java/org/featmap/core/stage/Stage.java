package org.featmap.core.stage;

import java.util.Locale;

/**
 * The stages of the study (spec §0) as nodes of the experiment graph. The code version is part of
 * every content key: bump it when a stage's numbers change, and exactly the nodes below it are
 * recomputed (ARCHITECTURE "Content keys").
 *
 * <p>This is where a stage is declared (issue #17): its id (also its activity type and store folder), code
 * version, default pool and how it reaches the report. Besides this constant, a stage needs a planner rule
 * ({@code org.featmap.core.graph.Planner}), a handler registered in activities' {@code Handlers} and its
 * adapter/compute; nothing in the
 * workflows or the workers names a stage.
 */
public enum Stage {
    SYNTH(1, Pool.CPU, "its images feed manipulate"),
    MANIPULATE(1, Pool.CPU, "its images feed extract"),
    EDIT(1, Pool.EDIT, null),
    EXTRACT(1, Pool.GPU, "its features feed normstats, train, test, classify, wxb and svd"),
    NORMSTATS(1, Pool.CPU, "its statistics feed train and test"),
    TRAIN(3, Pool.GPU, null), // 2: dropout masks drawn per sample by the engine (MaskSource); owned autograd constants;
    // 3: transformer attention through the fused SDPA kernel, its dropout drawn by the kernel (issue #15)
    TEST(2, Pool.GPU, null), // 2: saves the decoder reconstructions (recon/) for classify_recon
    // 2: torch.optim.Adam written out (checkpointable moments) instead of DJL's Adam (issue #14)
    RECONSTRUCT(2, Pool.GPU, "its decoder feeds test"),
    FINETUNE(
            2,
            Pool.GPU,
            "its head feeds classify and classify_recon"), // 2: RandAugment in the train augmentation (spec §8.1)
    CLASSIFY(1, Pool.GPU, null),
    CLASSIFY_RECON(1, Pool.GPU, null),
    WXB(1, Pool.CPU, null),
    SVD(1, Pool.CPU, null),
    REPORT(1, Pool.CPU, null);

    /**
     * The worker pool a stage runs on unless {@code sweep.queues} names another queue for it: {@link #queue()} is
     * its default task queue in the config (ARCHITECTURE "Queues").
     */
    public enum Pool {
        CPU("featmap-cpu"),
        GPU("featmap-gpu"),
        EDIT("featmap-edit");

        private final String queue;

        Pool(String queue) {
            this.queue = queue;
        }

        public String queue() {
            return queue;
        }
    }

    /**
     * Params that say how a node runs, not what it computes (ARCHITECTURE "Content keys"): they reach the
     * activity in the node's params but are left out of its content key, so changing them recomputes nothing.
     * images.workers (threads of the manipulate stage; outputs are identical for any count, noise included)
     * and features.batch_size (images per forward of extraction).
     */
    public java.util.Set<String> executionParams() {
        return switch (this) {
            case MANIPULATE -> java.util.Set.of("workers");
            case EXTRACT -> java.util.Set.of("batch_size");
            // derived from the export's manifest, whose sha256 is already in the key through the extraction (issue #17)
            case TEST -> java.util.Set.of("backbone_family");
            default -> java.util.Set.of();
        };
    }

    private final int codeVersion;
    private final Pool pool;
    private final String reachesTheReport;

    Stage(int codeVersion, Pool pool, String reachesTheReport) {
        this.codeVersion = codeVersion;
        this.pool = pool;
        this.reachesTheReport = reachesTheReport;
    }

    public int codeVersion() {
        return codeVersion;
    }

    /** Heavy stages run on accelerator pools by default. */
    public boolean heavy() {
        return pool != Pool.CPU;
    }

    /** The pool whose queue the stage's nodes go to by default. */
    public Pool pool() {
        return pool;
    }

    /**
     * How the results of a stage the report node does not read reach the report (the stages it feeds), or null
     * when the report reads its nodes (StageCompletenessTest holds every stage to one of the two).
     */
    public String reachesTheReport() {
        return reachesTheReport;
    }

    /**
     * The Temporal activity type of this stage's nodes: one argument, the {@link
     * org.featmap.core.contract.NodeTask}, one result, the {@link org.featmap.core.contract.NodeResult}. It is
     * recorded in every history that scheduled such a node, so it never changes for an existing stage (the names
     * of the former {@code StageActivities} methods: the stage ids). The workflows schedule it through an untyped
     * stub; the workers answer every stage with one dynamic activity that finds the stage's handler.
     */
    public String activityType() {
        return id();
    }

    /** The lower-case name used in configs, store paths and activity names. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Stage of(String id) {
        return valueOf(id.toUpperCase(Locale.ROOT));
    }
}
