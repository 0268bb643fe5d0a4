package org.featmap.ml.mapping;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.featmap.ml.normstats.NormStats;

/**
 * A trained mapping loaded back from its safetensors + JSON sidecar (spec §5.9), applied with the
 * intended inference chain of spec §4.3 (fixing §11 B8): normalise the raw source with the train
 * statistics → map → denormalise.
 */
public final class TrainedMapping implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final NDManager manager;
    private final MappingModel model;
    private final JsonNode sidecar;

    private TrainedMapping(NDManager manager, MappingModel model, JsonNode sidecar) {
        this.manager = manager;
        this.model = model;
        this.sidecar = sidecar;
    }

    /** Loads the model saved in {@code dir} (the one {@code *.safetensors} with its {@code *.json}). */
    public static TrainedMapping load(Path dir, NDManager parent) throws IOException {
        Path st;
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> l = s.filter(p -> p.toString().endsWith(".safetensors"))
                    .sorted()
                    .toList();
            if (l.size() != 1)
                throw new IOException(dir + ": expected one trained model (.safetensors), found " + l.size());
            st = l.get(0);
        }
        Path json = Path.of(st.toString().replace(".safetensors", ".json"));
        if (!Files.isRegularFile(json))
            throw new IOException(st + ": its JSON sidecar " + json.getFileName() + " is missing");
        JsonNode side = JSON.readTree(json.toFile());
        NDManager m = parent.newSubManager();
        try {
            MappingModel model = MappingModel.create(
                    ModelType.parse(side.get("model_type").asText()),
                    m,
                    side.get("channels").asInt(),
                    side.get("apply_transform").asBoolean(),
                    side.get("manipulation").asText(),
                    0);
            // inference only: parameters are not leaves of an autograd graph, so they can be filled in place
            for (NDArray p : model.stateDict().values()) p.setRequiresGradient(false);
            Map<String, NDArray> state = Safetensors.read(st, m);
            for (Map.Entry<String, NDArray> e : state.entrySet()) model.load(e.getKey(), e.getValue());
            return new TrainedMapping(m, model, side);
        } catch (RuntimeException | IOException e) {
            m.close();
            throw e;
        }
    }

    public MappingModel model() {
        return model;
    }

    public JsonNode sidecar() {
        return sidecar;
    }

    /**
     * Maps {@code b} raw source maps (CHW each, concatenated) and returns the raw (denormalised)
     * mapped maps. {@code norm} may be null for layers that are not normalised.
     */
    public float[] apply(float[] src, int b, int c, int h, int w, NormStats norm) {
        float[] x = src.clone();
        if (norm != null) norm.normalize(x, 0, b, h * w);
        float[] y;
        try (NDManager m = manager.newSubManager()) {
            NDArray in = org.featmap.ml.Tensors.owned(m, x, new Shape(b, c, h, w));
            y = model.forward(in, false).toFloatArray();
        }
        if (norm != null) norm.denormalize(y, 0, b, h * w);
        return y;
    }

    /** The linear map's weight (out × in, row-major) and bias, for the W·x/bias and SVD analyses. */
    public float[][] linearWeightAndBias() {
        if (model.type() != ModelType.LINEAR)
            throw new IllegalArgumentException("W·x/bias and SVD need a linear model, this one is "
                    + model.type().key());
        Map<String, NDArray> sd = model.stateDict();
        return new float[][] {sd.get("weight").toFloatArray(), sd.get("bias").toFloatArray()};
    }

    @Override
    public void close() {
        manager.close();
    }
}
