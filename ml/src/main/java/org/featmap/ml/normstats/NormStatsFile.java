package org.featmap.ml.normstats;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** The normstats output, {@code norm.json} (the reference's field names), written by the stage, read by every reader. */
public final class NormStatsFile {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    public static final String FILE = "norm.json";

    private NormStatsFile() {}

    public static void write(NormStats s, Path file) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("feat_key", s.featKey());
        m.put("source_dataset", s.source());
        m.put("manip", "resized");
        m.put("num_samples_for_stats", s.n());
        m.put("mean", s.mean());
        m.put("std", s.std());
        Files.write(file, JSON.writeValueAsBytes(m));
    }

    public static NormStats read(Path file) throws IOException {
        var n = JSON.readTree(file.toFile());
        float[] mean = JSON.treeToValue(n.get("mean"), float[].class);
        float[] std = JSON.treeToValue(n.get("std"), float[].class);
        return new NormStats(
                mean,
                std,
                n.get("num_samples_for_stats").asInt(),
                n.get("feat_key").asText(),
                n.get("source_dataset").asText());
    }
}
