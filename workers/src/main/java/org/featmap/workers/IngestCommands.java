package org.featmap.workers;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.featmap.ml.ingest.CarsDownload;
import org.featmap.ml.ingest.CubDownload;
import org.featmap.ml.ingest.IngestPlan;
import org.featmap.ml.ingest.IngestWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code featmap ingest cub|cars}: an official download → the layout of spec §1.2 (docs/REAL_DATA.md). */
final class IngestCommands {
    private IngestCommands() {}

    @Command(
            name = "ingest",
            mixinStandardHelpOptions = true,
            description =
                    "Lays an official dataset download out as the sweep reads it: <out>/images/{train,test}/<NNN>.<class>/<id>.jpg"
                            + " with numeric ids unique over the dataset, the official train/test split and class names (docs/REAL_DATA.md).",
            subcommands = {Cub.class, Cars.class})
    static final class Ingest implements Callable<Integer> {
        @Override
        public Integer call() {
            new picocli.CommandLine(this).usage(System.out);
            return 0;
        }
    }

    abstract static class Base implements Callable<Integer> {
        @Option(
                names = "--out",
                required = true,
                description =
                        "the dataset root to write (a config's datasets[].root): images/, classes.txt, ingest.csv")
        Path out;

        @Option(
                names = "--link",
                defaultValue = "copy",
                description =
                        "how images get there: copy (stands alone), symlink (no space; the download must stay) or hardlink (same file system); default: ${DEFAULT-VALUE}")
        String link;

        abstract IngestPlan read() throws Exception;

        @Override
        public Integer call() throws Exception {
            IngestWriter.Mode mode = IngestWriter.Mode.parse(link);
            IngestPlan p;
            try {
                p = read().validate();
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException(e.getMessage(), e); // a missing or malformed download file: exit 2
            }
            System.out.printf(
                    "%s: %,d train and %,d test images of %d classes (from %s)%n",
                    p.dataset(),
                    p.count("train"),
                    p.count("test"),
                    p.classNames().size(),
                    p.read());
            IngestWriter.Result r = IngestWriter.write(p, out, mode, new TerminalProgress("ingest"));
            System.out.printf(
                    "%s: %,d written, %,d already in place (%s)%n",
                    out.resolve("images"),
                    r.written(),
                    r.unchanged(),
                    mode.name().toLowerCase(java.util.Locale.ROOT));
            if (!r.stale().isEmpty()) {
                System.out.printf(
                        "%,d file%s under %s are not part of this ingest and were left alone (a sweep would read them), e.g. %s%n",
                        r.stale().size(),
                        r.stale().size() == 1 ? "" : "s",
                        out.resolve("images"),
                        r.stale().get(0));
                return 3;
            }
            return 0;
        }
    }

    @Command(
            name = "cub",
            mixinStandardHelpOptions = true,
            description =
                    "CUB-200-2011 (CUB_200_2011.tgz unpacked): images.txt, image_class_labels.txt, train_test_split.txt, classes.txt, images/;"
                            + " the official image ids and split (5,994 / 5,794) are kept.")
    static final class Cub extends Base {
        @Option(names = "--from", required = true, description = "the unpacked CUB_200_2011 folder (or its parent)")
        Path from;

        @Override
        IngestPlan read() throws Exception {
            return CubDownload.read(from);
        }
    }

    @Command(
            name = "cars",
            mixinStandardHelpOptions = true,
            description =
                    "Stanford Cars: cars_annos.mat + car_ims/, or the devkit (cars_meta.mat, cars_train_annos.mat,"
                            + " cars_test_annos_withlabels.mat + cars_train/, cars_test/), or anno_train.csv + anno_test.csv + names.csv;"
                            + " the official split (8,144 / 8,041) is kept.")
    static final class Cars extends Base {
        @Option(names = "--from", required = true, description = "the folder the download was unpacked in")
        Path from;

        @Override
        IngestPlan read() throws Exception {
            return CarsDownload.read(from);
        }
    }
}
