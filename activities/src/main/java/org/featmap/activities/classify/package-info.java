/**
 * Adapters of classification to graph nodes: the classifier fine-tuning (finetune), the classification of mapped
 * features with its metrics (classify) and of a test node's reconstructions (classify_recon, whose compute is
 * {@code org.featmap.ml.classify.ReconClassifyStage}).
 *
 * <p>Layer: activities, thin adapters from a node's task to the compute in ml.
 */
package org.featmap.activities.classify;
