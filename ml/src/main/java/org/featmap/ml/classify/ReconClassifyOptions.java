package org.featmap.ml.classify;

import ai.djl.Device;
import java.nio.file.Path;

/**
 * Inputs of {@link ReconClassifyStage#run}: one test cell's reconstructions (spec §8.4).
 *
 * @param testOut a test node's output folder (or {@code featmap test --out}) holding recon/index.csv
 * @param images the augmented_test folder the index's manipulated paths are relative to
 * @param export the classifier's backbone export; {@code head} the fine-tuned head on its last layer
 * @param classifierName the classifier's backbone name (§8.4's {@code model} column)
 * @param mode the cell's §7.2 mode (§8.4's {@code mapping_type})
 */
public record ReconClassifyOptions(
        Path testOut,
        Path images,
        Path export,
        Path head,
        String classifierName,
        String mode,
        String dataset,
        String layer,
        String manipulation,
        int batchSize,
        Device device,
        Path out) {}
