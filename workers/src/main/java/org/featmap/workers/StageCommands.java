package org.featmap.workers;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.featmap.ml.images.ImageFormat;
import org.featmap.ml.images.ManipulateOptions;
import org.featmap.ml.images.ManipulateReport;
import org.featmap.ml.images.ManipulateStage;
import org.featmap.ml.images.Manipulation;
import org.featmap.ml.images.SyntheticDataset;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Stage commands: the same ml entry points as the graph nodes, for standalone use. */
final class StageCommands {
    private StageCommands() {}

    @Command(
            name = "synth",
            mixinStandardHelpOptions = true,
            description =
                    "Generates the synthetic dataset: JPEGs (q75) in the spec §1.2 layout, images/{train,test}/<class>/<id>.jpg.")
    static final class Synth implements Callable<Integer> {
        @Option(names = "--classes", required = true, description = "number of classes")
        int classes;

        @Option(names = "--per-class", required = true, description = "train images per class")
        int perClass;

        @Option(
                names = "--per-class-test",
                defaultValue = "-1",
                description = "test images per class (default: half of --per-class, at least 1)")
        int perClassTest;

        @Option(
                names = "--out",
                required = true,
                description = "output folder (the dataset root: images/{train,test}/...)")
        Path out;

        @Option(
                names = "--seed",
                defaultValue = "0",
                description = "seed of shapes and colours (default: ${DEFAULT-VALUE})")
        long seed;

        @Option(
                names = "--size",
                defaultValue = "320",
                description = "longer side in pixels (default: ${DEFAULT-VALUE})")
        int size;

        @Override
        public Integer call() throws Exception {
            if (classes < 1 || perClass < 1)
                throw new IllegalArgumentException("--classes and --per-class must be >= 1");
            int test = perClassTest >= 0 ? perClassTest : Math.max(1, perClass / 2);
            SyntheticDataset.Summary s = SyntheticDataset.generate(out, classes, perClass, test, seed, size);
            System.out.printf(
                    "wrote %d train and %d test images of %d classes under %s%n",
                    s.trainImages(), s.testImages(), s.classes(), s.root());
            return 0;
        }
    }

    @Command(
            name = "manipulate",
            mixinStandardHelpOptions = true,
            description =
                    "Resizes/crops to 288 and applies the direct manipulations (spec §1.4, §2), as the graph's manipulate node.")
    static final class Manipulate implements Callable<Integer> {
        @Option(names = "--images", required = true, description = "dataset folder with images/{train,test}/<class>/")
        Path images;

        @Option(
                names = "--out",
                required = true,
                description = "output folder (augmented_<split>/<class>/direct/<id>_<manipulation>.<ext>)")
        Path out;

        @Option(names = "--ops", description = "comma-separated manipulations (default: all 12)")
        String ops;

        @Option(names = "--format", defaultValue = "jpg", description = "jpg (reference, q75) or png (lossless)")
        String format;

        @Option(names = "--split", defaultValue = "both", description = "train, test or both")
        String split;

        @Option(names = "--dataset", description = "dataset name (noise seed; default: folder name)")
        String dataset;

        @Option(
                names = "--num-classes",
                defaultValue = "-1",
                description = "classes kept per split, -1 = all (spec §1.3; default: ${DEFAULT-VALUE})")
        int numClasses;

        @Option(
                names = "--threads",
                defaultValue = "0",
                description = "worker threads, 0 = one per core (default: ${DEFAULT-VALUE})")
        int threads;

        @Override
        public Integer call() throws Exception {
            List<Manipulation> list = ops == null ? List.of(Manipulation.values()) : Manipulation.parseList(ops);
            List<String> splits = split.equals("both") ? List.of("train", "test") : List.of(split);
            int failures = 0;
            for (String s : splits) {
                ManipulateOptions o = new ManipulateOptions(
                        images,
                        dataset,
                        s,
                        out,
                        ImageFormat.parse(format),
                        list,
                        numClasses,
                        threads > 0 ? threads : Runtime.getRuntime().availableProcessors(),
                        288,
                        null);
                ManipulateReport r = ManipulateStage.run(o);
                System.out.printf("%s: %d/%d images, %d files%n", s, r.imagesDone(), r.images(), r.filesWritten());
                for (String f : r.failures()) System.out.println("  failed: " + f);
                failures += r.failures().size();
            }
            return failures == 0 ? 0 : 3;
        }
    }
}
