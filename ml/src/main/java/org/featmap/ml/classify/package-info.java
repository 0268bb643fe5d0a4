/**
 * Classification (spec §8): the fine-tuning of a new classifier head on the frozen backbone
 * ({@code FinetuneStage.run(FinetuneOptions) → FinetuneResult}), the classification of a cell's feature pairs through
 * the layer's classifier tail ({@code ClassifyStage.run(ClassifyOptions) → ClassifyResult}) and, on plain paths with
 * the §8.3 metrics, of one cell ({@code ClassifyCellStage.run(ClassifyCellOptions) → ClassifyCellResult}), the
 * image-level classification of a test cell's reconstructions
 * ({@code ReconClassifyStage.run(ReconClassifyOptions) → ReconClassifyResult}), and the head, augmentation and
 * probability-file pieces they use.
 *
 * <p>Layer: ml, the compute; no Temporal. The adapters are in {@code org.featmap.activities.classify}.
 */
package org.featmap.ml.classify;
