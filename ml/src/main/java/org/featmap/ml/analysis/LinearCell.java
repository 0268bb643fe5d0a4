package org.featmap.ml.analysis;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.Locale;
import org.featmap.core.contract.BadInputException;
import org.featmap.ml.mapping.TrainedMapping;

/**
 * One linear cell of the analyses (wxb, svd): its trained model and the names its CSV rows carry.
 *
 * @param model a trained model folder (TrainedMapping); it must hold a linear map
 */
public record LinearCell(Path model, String dataset, String backbone, String group, String layer, String manipulation) {

    /** The cell's model, refused with one line unless it is linear ({@code stage} names the caller). */
    TrainedMapping loadLinear(String stage, NDManager m) throws Exception {
        TrainedMapping t = TrainedMapping.load(model, m);
        String type = t.sidecar().path("model_type").asText("?");
        if (!"linear".equals(type)) {
            t.close();
            throw new BadInputException(stage + " needs a linear cell, got " + type + " (" + model + ")");
        }
        return t;
    }

    /** A CSV value: 17 significant digits. */
    static String f(double v) {
        return String.format(Locale.ROOT, "%.17g", v);
    }
}
