package org.featmap.ml.classify;

import ai.djl.ndarray.NDArray;
import java.nio.file.Path;
import java.util.function.Function;
import org.featmap.core.contract.Progress;
import org.featmap.ml.features.FeatureStoreReader;

/**
 * Inputs of classifying one (manipulation, layer) cell (spec §8.2).
 *
 * @param store test feature store of the layer (owned by the caller)
 * @param manipulation pairs of this manipulation (all of them, no id subset)
 * @param tail the classifier tail of the same layer (owned by the caller)
 * @param mapper trained mapping as normalise → map → denormalise (intended chain §4.3 / B8) on a
 *     (B,C,H,W) batch, or null for no {@code mapped} set
 * @param mode name of the mapped set: {@code <model_type>} or {@code <model_type>_<manip>} for applied
 *     groups (§8.2; fixes B14); ignored without a mapper
 * @param outDir where the probability files and the summary go
 */
public record ClassifyOptions(
        FeatureStoreReader store,
        String manipulation,
        ClassifierTail tail,
        Function<NDArray, NDArray> mapper,
        String mode,
        String dataset,
        Path outDir,
        int batchSize,
        Progress progress) {

    public ClassifyOptions {
        if (store == null || tail == null || outDir == null)
            throw new IllegalArgumentException("store, tail and outDir are required");
        if (manipulation == null || manipulation.isBlank())
            throw new IllegalArgumentException("manipulation is required");
        if (mapper != null && (mode == null || mode.isBlank()))
            throw new IllegalArgumentException("a mapper needs a mode name (e.g. linear)");
        if (batchSize < 1) throw new IllegalArgumentException("batchSize " + batchSize + ", must be >= 1");
        dataset = dataset == null ? "dataset" : dataset;
        progress = progress == null ? Progress.NONE : progress;
    }

    /** Reference batch 128 (spec §8.2). */
    public static ClassifyOptions of(
            FeatureStoreReader store,
            String manipulation,
            ClassifierTail tail,
            Function<NDArray, NDArray> mapper,
            String mode,
            String dataset,
            Path outDir) {
        return new ClassifyOptions(store, manipulation, tail, mapper, mode, dataset, outDir, 128, Progress.NONE);
    }
}
