package org.featmap.ml.images;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.featmap.core.contract.Progress;

/**
 * Inputs of the direct-manipulation stage (S1).
 *
 * @param datasetRoot folder holding {@code images/{train,test}/<class>/<file>} (spec §1.2)
 * @param dataset dataset name, part of the noise seed (e.g. CUB_200_2011)
 * @param split "train" or "test"
 * @param out output root; files go to {@code <out>/augmented_<split>/<class>/direct/} (spec §1.5)
 * @param format JPG (reference, q75 4:2:0) or PNG (lossless, spec §12.3)
 * @param ops manipulations to apply (all 12 by default)
 * @param numClasses -1 = all classes, else the first N of the §1.3 order
 * @param threads size of the worker pool
 * @param size target size (288, spec §1.4)
 * @param progress progress sink (called from the calling thread only)
 */
public record ManipulateOptions(
        Path datasetRoot,
        String dataset,
        String split,
        Path out,
        ImageFormat format,
        List<Manipulation> ops,
        int numClasses,
        int threads,
        int size,
        Progress progress) {

    public ManipulateOptions {
        Objects.requireNonNull(datasetRoot, "datasetRoot");
        Objects.requireNonNull(out, "out");
        if (!DatasetIngest.SPLITS.contains(split))
            throw new IllegalArgumentException("split '" + split + "' is not one of: " + DatasetIngest.SPLITS);
        if (threads < 1) throw new IllegalArgumentException("threads " + threads + " must be >= 1");
        if (size < 1) throw new IllegalArgumentException("size " + size + " must be >= 1");
        if (ops == null || ops.isEmpty())
            throw new IllegalArgumentException("ops: at least one of " + Manipulation.allowedNames());
        dataset = dataset == null ? datasetRoot.getFileName().toString() : dataset;
        format = format == null ? ImageFormat.JPG : format;
        ops = List.copyOf(ops);
        progress = progress == null ? Progress.NONE : progress;
    }

    /** Reference defaults: all 12 ops, JPEG, all classes, 288, as many threads as cores. */
    public static ManipulateOptions defaults(Path datasetRoot, String split, Path out) {
        return new ManipulateOptions(
                datasetRoot,
                null,
                split,
                out,
                ImageFormat.JPG,
                List.of(Manipulation.values()),
                -1,
                Runtime.getRuntime().availableProcessors(),
                ResizeCrop.TARGET,
                Progress.NONE);
    }

    public ManipulateOptions withOps(List<Manipulation> newOps) {
        return new ManipulateOptions(
                datasetRoot, dataset, split, out, format, newOps, numClasses, threads, size, progress);
    }

    public ManipulateOptions withFormat(ImageFormat f) {
        return new ManipulateOptions(datasetRoot, dataset, split, out, f, ops, numClasses, threads, size, progress);
    }

    public ManipulateOptions withThreads(int n) {
        return new ManipulateOptions(datasetRoot, dataset, split, out, format, ops, numClasses, n, size, progress);
    }

    public ManipulateOptions withNumClasses(int n) {
        return new ManipulateOptions(datasetRoot, dataset, split, out, format, ops, n, threads, size, progress);
    }

    public ManipulateOptions withProgress(Progress p) {
        return new ManipulateOptions(datasetRoot, dataset, split, out, format, ops, numClasses, threads, size, p);
    }
}
