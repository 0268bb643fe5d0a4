package org.featmap.core.graph;

import java.util.Locale;

/**
 * The stages of the study (spec §0) as nodes of the experiment graph. The code version is part of
 * every content key: bump it when a stage's numbers change, and exactly the nodes below it are
 * recomputed (ARCHITECTURE "Content keys").
 */
public enum Stage {
    SYNTH(1, false),
    MANIPULATE(1, false),
    EDIT(1, true),
    EXTRACT(1, true),
    NORMSTATS(1, false),
    TRAIN(3, true), // 2: dropout masks drawn per sample by the engine (MaskSource); owned autograd constants;
    // 3: transformer attention through the fused SDPA kernel, its dropout drawn by the kernel (issue #15)
    TEST(2, true), // 2: saves the decoder reconstructions (recon/) for classify_recon
    RECONSTRUCT(2, true), // 2: torch.optim.Adam written out (checkpointable moments) instead of DJL's Adam (issue #14)
    FINETUNE(2, true), // 2: RandAugment in the train augmentation (spec §8.1)
    CLASSIFY(1, true),
    CLASSIFY_RECON(1, true),
    WXB(1, false),
    SVD(1, false),
    REPORT(1, false);

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
    private final boolean heavy;

    Stage(int codeVersion, boolean heavy) {
        this.codeVersion = codeVersion;
        this.heavy = heavy;
    }

    public int codeVersion() {
        return codeVersion;
    }

    /** Heavy stages run on accelerator pools by default. */
    public boolean heavy() {
        return heavy;
    }

    /** The lower-case name used in configs, store paths and activity names. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Stage of(String id) {
        return valueOf(id.toUpperCase(Locale.ROOT));
    }
}
