package org.featmap.ml.classify;

import ai.djl.Device;
import java.nio.file.Path;
import java.util.Objects;
import org.featmap.core.contract.Progress;

/**
 * Inputs of {@link ClassifyCellStage#run}: one cell's feature classification on plain paths (spec §8.2–8.3).
 *
 * @param features the test feature store of the layer
 * @param model a trained model folder (TrainedMapping)
 * @param norm norm.json of a normalised layer, or null
 * @param head the fine-tuned head folder (a finetune node's head/)
 * @param export the classifier's backbone export (its stages after the layer form the tail)
 * @param mode the mapped set's name (§8.2)
 * @param device where the mapping and the tail run (always given: the node passes the worker's, issue #14)
 * @param out where the probability files, the summary and metrics.csv go
 * @param batchSize pairs per batch through the tail
 *     <p>Built like {@code DecoderOptions}: {@link #of} with the defaults, then withers.
 */
public record ClassifyCellOptions(
        Path features,
        Path model,
        Path norm,
        Path head,
        Path export,
        String layer,
        String manipulation,
        String dataset,
        String mode,
        Device device,
        Path out,
        int batchSize,
        Progress progress) {
    /** The batch the classify node has always used (the reference's 128 of §8.2 is {@link ClassifyOptions#of}). */
    public static final int BATCH = 32;

    public ClassifyCellOptions {
        Objects.requireNonNull(features, "features");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(head, "head");
        Objects.requireNonNull(export, "export");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(out, "out");
        progress = progress == null ? Progress.NONE : progress;
    }

    /** Defaults: no norm, the dataset named "dataset", a batch of {@link #BATCH}, no progress. */
    public static ClassifyCellOptions of(
            Path features,
            Path model,
            Path head,
            Path export,
            String layer,
            String manipulation,
            String mode,
            Device device,
            Path out) {
        return new ClassifyCellOptions(
                features, model, null, head, export, layer, manipulation, "dataset", mode, device, out, BATCH, null);
    }

    /** norm.json of a normalised layer (the mapping runs normalise → map → denormalise), or null. */
    public ClassifyCellOptions withNorm(Path n) {
        return new ClassifyCellOptions(
                features, model, n, head, export, layer, manipulation, dataset, mode, device, out, batchSize, progress);
    }

    /** The dataset's name in the file names and the metrics row. */
    public ClassifyCellOptions withDataset(String d) {
        return new ClassifyCellOptions(
                features, model, norm, head, export, layer, manipulation, d, mode, device, out, batchSize, progress);
    }

    public ClassifyCellOptions withBatchSize(int b) {
        return new ClassifyCellOptions(
                features, model, norm, head, export, layer, manipulation, dataset, mode, device, out, b, progress);
    }

    public ClassifyCellOptions withProgress(Progress p) {
        return new ClassifyCellOptions(
                features, model, norm, head, export, layer, manipulation, dataset, mode, device, out, batchSize, p);
    }
}
