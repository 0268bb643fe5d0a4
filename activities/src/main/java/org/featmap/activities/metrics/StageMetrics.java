package org.featmap.activities.metrics;

import java.util.Map;
import java.util.Objects;

/**
 * Where stages and the node runner report what a worker's dashboards show, without knowing which
 * metrics library (if any) the process uses. The default sink does nothing; a worker main installs a
 * real one (the workers module binds it to Micrometer). Kept static on purpose: stages are called
 * from deep inside ml code paths that must not carry a registry around.
 */
public final class StageMetrics {
    /** What the process does with the reports. Implementations must be thread-safe. */
    public interface Sink {
        /**
         * A node ended successfully.
         *
         * @param stage stage id
         * @param cached true when served from the store without computing
         * @param seconds wall time of the node in this process (cache check included)
         * @param summary the node's summary; the counts under {@link #IMAGES} and {@link #SAMPLES}, when
         *     present, give the node's throughput
         */
        void nodeFinished(String stage, boolean cached, double seconds, Map<String, String> summary);

        /** A live rate, for stages that run long enough to report while they compute. */
        void rate(String stage, Rate rate, double perSecond);
    }

    /** The two throughput gauges of the dashboards. */
    public enum Rate {
        IMAGES,
        SAMPLES
    }

    /** Summary key of the number of images a node processed (used for images/s). */
    public static final String IMAGES = "images";
    /** Summary key of the number of samples (feature vectors, training pairs) a node processed. */
    public static final String SAMPLES = "samples";

    public static final Sink NONE = new Sink() {
        @Override
        public void nodeFinished(String stage, boolean cached, double seconds, Map<String, String> summary) {}

        @Override
        public void rate(String stage, Rate rate, double perSecond) {}
    };

    private static volatile Sink sink = NONE;

    private StageMetrics() {}

    /** Installs the process's sink (the worker main does this once, before starting workers). */
    public static void install(Sink s) {
        sink = Objects.requireNonNull(s, "sink");
    }

    /** Back to the no-op sink (tests). */
    public static void reset() {
        sink = NONE;
    }

    public static void nodeFinished(String stage, boolean cached, double seconds, Map<String, String> summary) {
        sink.nodeFinished(stage, cached, seconds, summary == null ? Map.of() : summary);
    }

    public static void imagesPerSecond(String stage, double perSecond) {
        sink.rate(stage, Rate.IMAGES, perSecond);
    }

    public static void samplesPerSecond(String stage, double perSecond) {
        sink.rate(stage, Rate.SAMPLES, perSecond);
    }
}
