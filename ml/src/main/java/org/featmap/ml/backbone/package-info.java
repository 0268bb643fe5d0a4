/**
 * An exported backbone in DJL's libtorch: its manifest ({@code python/export_backbone.py}: modules, layers, family,
 * preprocessing), the chained TorchScript modules, the eval preprocessing of spec §3.2 and the image decoding
 * extraction uses. Library code the extract, classify and test stages share.
 *
 * <p>Layer: ml, the compute; no Temporal.
 */
package org.featmap.ml.backbone;
