package org.featmap.core.config;

import java.util.List;
import java.util.Map;

/**
 * A whole sweep, as read from a YAML file and validated ({@link ConfigLoader}). Immutable; the
 * resolved form (environment expanded) is what the workflow receives, so planning inside the
 * workflow is deterministic. Defaults are the reference's values (spec §6, §7, §8, §9).
 */
public record SweepConfig(
        String sourceFile,
        Sweep sweep,
        List<Dataset> datasets,
        Images images,
        List<Backbone> backbones,
        Features features,
        Training training,
        Test test,
        Reconstruct reconstruct,
        Classify classify,
        Analysis analysis,
        Report report,
        Tracking tracking) {

    public SweepConfig {
        datasets = List.copyOf(datasets);
        backbones = List.copyOf(backbones);
    }

    /** Sweep-wide settings: name, store, concurrency, task queues per stage. */
    public record Sweep(String name, String store, int maxInFlight, Map<String, String> queues, int heartbeatSeconds) {
        public Sweep {
            queues = Map.copyOf(queues);
        }

        public String queueOf(String stage) {
            return queues.getOrDefault(stage, queues.getOrDefault("default", "featmap-cpu"));
        }
    }

    /** A synthetic dataset made by {@code featmap synth} rules instead of read from disk. */
    public record Synthetic(int classes, int perClassTrain, int perClassTest, long seed, int width, int height) {}

    /** One prompt of the generative edits and its canonical short name (spec §2.7, §3.4, §11 B4). */
    public record Prompt(String shortName, String text) {}

    /** Generative edits (S2): imported from a folder or generated on the edit queue. */
    public record Edits(
            boolean enabled,
            String mode,
            String importDir,
            List<Prompt> prompts,
            int imagesPerClassTrain,
            int imagesPerClassTest,
            int steps,
            double trueCfgScale,
            long seed,
            String hfTokenEnv) {
        public Edits {
            prompts = List.copyOf(prompts);
        }
    }

    /** A group of mapping cells (spec §10.2): models × manipulations over one feature source folder. */
    public record Group(
            String name, String source, boolean applyTransform, List<String> models, List<String> manipulations) {
        public Group {
            models = List.copyOf(models);
            manipulations = List.copyOf(manipulations);
        }
    }

    /**
     * A dataset. {@code trainImages}/{@code testImages} are size hints for the plan's disk and GPU-hour
     * estimates (0 = unknown; synthetic datasets know their size).
     */
    public record Dataset(
            String name,
            String root,
            int numClasses,
            Synthetic synthetic,
            Edits edits,
            List<Group> groups,
            int trainImages,
            int testImages) {
        public Dataset {
            groups = List.copyOf(groups);
        }
    }

    /**
     * Stage S1: manipulation of images (spec §1.4, §2). {@code workers}: threads of the manipulate stage on the
     * worker that runs it, 0 (the default) = that machine's cores; an execution setting, not in content keys.
     */
    public record Images(int targetSize, String format, List<String> manipulations, int workers) {
        public Images {
            manipulations = List.copyOf(manipulations);
        }
    }

    /** A backbone export (folder with manifest.json) and which of its layers are mapped/normalised. */
    public record Backbone(String name, String export, List<String> layers, List<String> normalize) {
        public Backbone {
            layers = List.copyOf(layers);
            normalize = List.copyOf(normalize);
        }
    }

    /**
     * Arrow feature store settings (ARCHITECTURE "Features"). {@code batchSize}: images per forward of extraction
     * (what reaches the device); an execution setting, not in content keys.
     */
    public record Features(String dtype, String compression, int shardRows, int batchSize) {}

    /**
     * Mapping training, spec §6 (defaults are the reference's). The networks' sizes (§5: 512 / d 512,
     * 8 heads, FFN 1024, 4 layers, dropout 0.2) and the loss weights 0.3 / 0.7 are fixed by the spec and
     * not configurable: the reference's config keys for them were never read (§11 B17).
     */
    public record Training(
            String loss,
            double learningRate,
            double weightDecay,
            int batchSize,
            int accumulateGradBatches,
            int trainSubsetSize,
            double valRatio,
            int maxEpochs,
            int earlyStopPatience,
            double earlyStopMinDelta,
            double plateauFactor,
            int plateauPatience,
            double minLr,
            int checkpointEvery,
            long seed) {}

    /** Testing of mappings, spec §7. */
    public record Test(
            boolean enabled,
            int subsetSize,
            int batchSize,
            String reconstructor,
            String featinvExport,
            boolean spatialOnly,
            String lpipsExport) {}

    /** The learned-inversion decoder (issue #6 item 3), one per backbone layer and dataset. */
    public record Reconstruct(int epochs, int batchSize, double learningRate, int imageSize) {}

    /** Classification, spec §8. */
    public record Classify(
            boolean enabled,
            List<String> datasets,
            String backbone,
            int epochs,
            double learningRate,
            int batchSize,
            double dropRate,
            double labelSmoothing,
            boolean augmented) {
        public Classify {
            datasets = List.copyOf(datasets);
        }
    }

    /** Linear-map analysis, spec §9. */
    public record Analysis(
            boolean wxb,
            List<String> wxbDatasets,
            int wxbSamples,
            boolean wxbCompatDoubleBias,
            boolean svd,
            List<String> svdDatasets) {
        public Analysis {
            wxbDatasets = List.copyOf(wxbDatasets);
            svdDatasets = List.copyOf(svdDatasets);
        }
    }

    public record Report(boolean enabled) {}

    /** MLflow tracking; the URI may also come from --mlflow or MLFLOW_TRACKING_URI. */
    public record Tracking(String mlflowUri, String experiment) {}
}
