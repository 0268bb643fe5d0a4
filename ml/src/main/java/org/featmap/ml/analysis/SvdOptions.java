package org.featmap.ml.analysis;

import ai.djl.Device;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Inputs of {@link SvdStage#run}: one linear cell's spectrum (spec §9.2–9.3). Nothing to default: the device is
 * always given (the stage passes the worker's, issue #14), so no builder.
 *
 * @param cell the linear cell and the names of its CSV rows
 * @param out where svd_metrics.csv and singular_values.csv go
 * @param device where the model's weight is loaded
 */
public record SvdOptions(LinearCell cell, Path out, Device device) {

    public SvdOptions {
        Objects.requireNonNull(cell, "cell");
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(device, "device");
    }
}
