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
}
