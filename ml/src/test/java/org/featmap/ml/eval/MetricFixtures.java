package org.featmap.ml.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.Base64;
import org.featmap.ml.images.RgbImage;

/** Reads the JSON fixtures written by python/fixtures/metrics/make_metric_fixtures.py. */
public final class MetricFixtures {
    private MetricFixtures() {}

    public static JsonNode load(String name) {
        try (InputStream in = MetricFixtures.class.getResourceAsStream("/fixtures/metrics/" + name)) {
            if (in == null)
                throw new IllegalStateException("missing fixture " + name + " (run make_metric_fixtures.py)");
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read fixture " + name, e);
        }
    }

    public static byte[] bytes(JsonNode n) {
        return Base64.getDecoder().decode(n.asText());
    }

    public static RgbImage image(JsonNode n, int w, int h) {
        return new RgbImage(w, h, bytes(n));
    }

    public static float[] floats(JsonNode n) {
        float[] out = new float[n.size()];
        for (int i = 0; i < out.length; i++) out[i] = (float) n.get(i).asDouble();
        return out;
    }

    public static double[] doubles(JsonNode n) {
        double[] out = new double[n.size()];
        for (int i = 0; i < out.length; i++) out[i] = n.get(i).asDouble();
        return out;
    }

    public static int[] ints(JsonNode n) {
        int[] out = new int[n.size()];
        for (int i = 0; i < out.length; i++) out[i] = n.get(i).asInt();
        return out;
    }
}
