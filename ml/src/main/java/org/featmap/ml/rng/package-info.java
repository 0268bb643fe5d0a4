/**
 * Bit-exact ports of the random streams the reference relies on (numpy's {@code default_rng(seed).choice}, torch's CPU
 * {@code randperm}) and a SplitMix64 stream that can resume from its state.
 *
 * <p>Layer: ml; pure Java, no Temporal.
 */
package org.featmap.ml.rng;
