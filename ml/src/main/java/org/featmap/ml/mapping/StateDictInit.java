package org.featmap.ml.mapping;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * Initial weights from a safetensors file in the reference's state-dict layout (spec §5.9: the Lightning prefix
 * {@code model.} before the module's keys, e.g. {@code model.fc.0.weight}; the same keys without the prefix are
 * accepted too), so a PyTorch run can be reproduced from its starting point. The hidden sizes are read from the
 * weights (the spec's 512 / d 512 / FFN 1024 / 4 layers for a reference-sized file); the number of attention heads
 * is not in a state dict and is given (spec: 8).
 */
public final class StateDictInit {
    private StateDictInit() {}

    /** The file's tensors under the model's own keys (prefix removed). */
    public static Map<String, NDArray> read(Path file, NDManager manager) throws IOException {
        Map<String, NDArray> raw = Safetensors.read(file, manager);
        if (raw.isEmpty()) throw new IOException(file + ": no tensors");
        boolean prefixed = raw.keySet().stream().allMatch(k -> k.startsWith("model."));
        Map<String, NDArray> out = new LinkedHashMap<>();
        raw.forEach((k, v) -> out.put(prefixed ? k.substring("model.".length()) : k, v));
        return out;
    }

    /** Hidden sizes of a {@code type} model whose weights are {@code sd}. */
    public static Dims dims(ModelType type, Map<String, NDArray> sd, int heads, Path file) throws IOException {
        Dims s = Dims.SPEC;
        switch (type) {
            case LINEAR -> {
                return s;
            }
            case MLP -> {
                return new Dims(
                        (int) dim(sd, "fc.0.weight", 0, file),
                        s.cnnHidden(),
                        s.dModel(),
                        s.heads(),
                        s.ffn(),
                        s.layers());
            }
            case CNN -> {
                return new Dims(
                        s.mlpHidden(),
                        (int) dim(sd, "net.0.weight", 0, file),
                        s.dModel(),
                        s.heads(),
                        s.ffn(),
                        s.layers());
            }
            default -> {
                int d = (int) dim(sd, "input_proj.weight", 0, file);
                int layers = 0;
                while (sd.containsKey("transformer.layers." + layers + ".linear1.weight")) layers++;
                if (layers == 0)
                    throw new IOException(
                            file + ": no transformer.layers.0.linear1.weight (not a transformer mapping)");
                if (heads < 1 || d % heads != 0)
                    throw new IOException(file + ": d_model " + d + " is not divisible by " + heads + " heads");
                return new Dims(
                        s.mlpHidden(),
                        s.cnnHidden(),
                        d,
                        heads,
                        (int) dim(sd, "transformer.layers.0.linear1.weight", 0, file),
                        layers);
            }
        }
    }

    private static long dim(Map<String, NDArray> sd, String key, int axis, Path file) throws IOException {
        NDArray a = sd.get(key);
        if (a == null)
            throw new IOException(
                    file + ": no tensor " + key + " (or model." + key + "); keys: " + new TreeSet<>(sd.keySet()));
        return a.getShape().get(axis);
    }

    /** Loads every entry; the file must hold exactly the model's keys (no more, no fewer), with equal shapes and dtypes. */
    public static void load(MappingModel model, Map<String, NDArray> sd, Path file) throws IOException {
        TreeSet<String> missing = new TreeSet<>(model.stateDict().keySet());
        missing.removeAll(sd.keySet());
        TreeSet<String> extra = new TreeSet<>(sd.keySet());
        extra.removeAll(model.stateDict().keySet());
        if (!missing.isEmpty() || !extra.isEmpty())
            throw new IOException(file + ": not a " + model.type().key() + " state dict"
                    + (missing.isEmpty() ? "" : "; missing " + missing) + (extra.isEmpty() ? "" : "; unknown " + extra)
                    + " (keys as spec §5.9, with or without the prefix model.)");
        for (Map.Entry<String, NDArray> e : sd.entrySet()) {
            try {
                model.load(e.getKey(), e.getValue());
            } catch (IllegalArgumentException x) {
                throw new IOException(file + ": " + x.getMessage(), x);
            }
        }
    }
}
