package org.featmap.ml.images.bench;

import java.nio.file.Path;
import org.featmap.ml.images.ManipulateOptions;
import org.featmap.ml.images.ManipulateReport;
import org.featmap.ml.images.ManipulateStage;
import org.featmap.ml.images.TurboJpeg;

/**
 * Benchmark main (not a test), issue #20 4(a): ManipulateStage end to end (ingest, decode, resize+crop, the 12
 * operations, 13 JPEG q75 files per image) with {@code workers} threads. Args: dataset root, output dir, workers.
 * Optional 4th arg {@code warm}. Prints one JSON line like bench/images/manipulate_pillow.py.
 */
public final class ManipulateBench {
    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        Path out = Path.of(args[1]);
        int workers = Integer.parseInt(args[2]);
        // "warm": one untimed pass over the same images first (the JIT's steady state, which a stage of thousands of
        // images reaches after its first few dozen)
        if (args.length > 3 && args[3].equals("warm"))
            ManipulateStage.run(
                    ManipulateOptions.defaults(root, "train", out.resolveSibling(out.getFileName() + "-warm"))
                            .withThreads(workers));
        long t0 = System.nanoTime();
        ManipulateReport r = ManipulateStage.run(
                ManipulateOptions.defaults(root, "train", out).withThreads(workers));
        double secs = (System.nanoTime() - t0) / 1e9;
        if (!r.failures().isEmpty()) throw new IllegalStateException("failures: " + r.failures());
        System.out.printf(
                "{\"images\": %d, \"seconds\": %.3f, \"img_per_s\": %.2f, \"workers\": %d, \"files\": %d, \"jpeg\": \"%s\"}%n",
                r.imagesDone(),
                secs,
                r.imagesDone() / secs,
                workers,
                r.filesWritten(),
                TurboJpeg.available() ? "libjpeg-turbo" : "imageio");
    }
}
