/**
 * The mapping networks of spec §5 (linear, MLP, CNN, transformer) as DJL blocks with PyTorch's state-dict names, their
 * dropout masks and fused attention, safetensors I/O, initial weights, the fixed spatial transform, and a trained
 * mapping loaded back for inference. Library code of the train, test, classify and analysis stages.
 *
 * <p>Layer: ml, the compute; no Temporal.
 */
package org.featmap.ml.mapping;
