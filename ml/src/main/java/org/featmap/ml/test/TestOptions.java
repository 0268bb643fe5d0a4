package org.featmap.ml.test;

import ai.djl.Device;
import java.nio.file.Path;

/**
 * Inputs of {@link TestStage#run}: one cell's test (spec §7).
 *
 * @param mode the §7.2 mode name written in the table
 * @param features one layer's test feature store (an extract node's features/&lt;layer&gt;)
 * @param images the augmented_test images folder the feature store's paths are relative to
 * @param model a trained model folder (TrainedMapping), or null for the spatial-only baseline
 * @param norm norm.json of a normalised layer, or null
 * @param decoder a decoder folder (image metrics), or null
 * @param featinv a FeatInv export (folder or its manifest.json, python/export_featinv.py) used when no
 *     decoder is given; its manifest must name this cell's backbone and layer
 * @param backbone the config's backbone name of this cell (what a FeatInv manifest names)
 * @param evalBackbone a ConvNeXt export for the feat3 cosine metrics, or null (skipped with a note)
 * @param lpipsExport an export of python/export_lpips.py, or null (LPIPS skipped with a note)
 * @param batchSize test pairs mapped, reconstructed and scored per batch (config test.batch_size)
 *     <p>Built like {@code DecoderOptions}: {@link #of} with the defaults, then withers.
 */
public record TestOptions(
        String mode,
        String dataset,
        String layer,
        String manipulation,
        int subsetSize,
        Path features,
        Path images,
        Path model,
        Path norm,
        Path decoder,
        Path featinv,
        String backbone,
        Path evalBackbone,
        Path lpipsExport,
        Device device,
        Path out,
        int batchSize) {
    /** The batch when none is given (standalone runs); a sweep's test nodes take test.batch_size. */
    public static final int BATCH = 16;

    public TestOptions {
        if (batchSize < 1) throw new IllegalArgumentException("test batch size " + batchSize + ": must be >= 1");
    }

    /** With the default batch of {@link #BATCH}. */
    public TestOptions(
            String mode,
            String dataset,
            String layer,
            String manipulation,
            int subsetSize,
            Path features,
            Path images,
            Path model,
            Path norm,
            Path decoder,
            Path featinv,
            String backbone,
            Path evalBackbone,
            Path lpipsExport,
            Device device,
            Path out) {
        this(
                mode,
                dataset,
                layer,
                manipulation,
                subsetSize,
                features,
                images,
                model,
                norm,
                decoder,
                featinv,
                backbone,
                evalBackbone,
                lpipsExport,
                device,
                out,
                BATCH);
    }

    /**
     * Defaults: the spatial-only baseline (no model, no norm), no reconstructor (feature metrics only), no cosine or
     * LPIPS models, 100 test ids (config test.subset_size), a batch of {@link #BATCH}. The device has no default (the
     * stage passes the worker's, issue #14).
     */
    public static TestOptions of(
            String mode,
            String dataset,
            String layer,
            String manipulation,
            Path features,
            Path images,
            Device device,
            Path out) {
        return new TestOptions(
                mode,
                dataset,
                layer,
                manipulation,
                100,
                features,
                images,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                device,
                out,
                BATCH);
    }

    /** Test ids evaluated (spec §7.1). */
    public TestOptions withSubsetSize(int n) {
        return new TestOptions(
                mode,
                dataset,
                layer,
                manipulation,
                n,
                features,
                images,
                model,
                norm,
                decoder,
                featinv,
                backbone,
                evalBackbone,
                lpipsExport,
                device,
                out,
                batchSize);
    }

    /** The trained model folder (null: the spatial-only baseline) and the layer's norm.json (or null). */
    public TestOptions withModel(Path m, Path n) {
        return new TestOptions(
                mode,
                dataset,
                layer,
                manipulation,
                subsetSize,
                features,
                images,
                m,
                n,
                decoder,
                featinv,
                backbone,
                evalBackbone,
                lpipsExport,
                device,
                out,
                batchSize);
    }

    /**
     * The reconstructors: a decoder folder, else a FeatInv export whose manifest must name {@code b} and the layer
     * (each may be null).
     */
    public TestOptions withReconstructor(Path d, Path f, String b) {
        return new TestOptions(
                mode,
                dataset,
                layer,
                manipulation,
                subsetSize,
                features,
                images,
                model,
                norm,
                d,
                f,
                b,
                evalBackbone,
                lpipsExport,
                device,
                out,
                batchSize);
    }

    /** The ConvNeXt export of the feat3 cosine metrics and the LPIPS export (each may be null: skipped with a note). */
    public TestOptions withEvalModels(Path e, Path l) {
        return new TestOptions(
                mode,
                dataset,
                layer,
                manipulation,
                subsetSize,
                features,
                images,
                model,
                norm,
                decoder,
                featinv,
                backbone,
                e,
                l,
                device,
                out,
                batchSize);
    }

    /** Test pairs mapped, reconstructed and scored per batch (config test.batch_size). */
    public TestOptions withBatchSize(int b) {
        return new TestOptions(
                mode,
                dataset,
                layer,
                manipulation,
                subsetSize,
                features,
                images,
                model,
                norm,
                decoder,
                featinv,
                backbone,
                evalBackbone,
                lpipsExport,
                device,
                out,
                b);
    }
}
