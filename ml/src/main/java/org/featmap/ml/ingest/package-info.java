/**
 * {@code featmap ingest}: the official downloads of Stanford Cars and CUB-200-2011 read from their annotation files and
 * laid out as spec §1.2 wants. Not a graph stage.
 *
 * <p>Layer: ml; plain file work, no Temporal.
 */
package org.featmap.ml.ingest;
