package org.featmap.ml.reconstruct;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** DecoderModel = its PyTorch twin (python/fixtures/reconstruct/make_decoder_fixture.py) given the same weights. */
class DecoderParityTest {
    static float[] floats(JsonNode a) {
        float[] f = new float[a.size()];
        for (int i = 0; i < f.length; i++) f[i] = (float) a.get(i).asDouble();
        return f;
    }

    @Test
    void forwardMatchesPytorch() throws IOException {
        JsonNode fx;
        try (InputStream in = getClass().getResourceAsStream("/fixtures/reconstruct/decoder_forward.json")) {
            fx = new ObjectMapper().readTree(in);
        }
        JsonNode sh = fx.get("shape");
        DecoderShape s = new DecoderShape(
                sh.get(0).asInt(),
                sh.get(1).asInt(),
                sh.get(2).asInt(),
                sh.get(3).asInt(),
                sh.get(4).asInt());
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            DecoderModel.Built b = DecoderModel.create(m, s, 0);
            List<Pair<String, Parameter>> params =
                    b.block().getParameters().stream().toList();
            JsonNode tp = fx.get("params");
            assertEquals(tp.size(), params.size(), "parameter count, torch vs DJL");
            for (int i = 0; i < params.size(); i++) {
                Parameter p = params.get(i).getValue();
                long[] expect = new long[tp.get(i).get("shape").size()];
                for (int k = 0; k < expect.length; k++)
                    expect[k] = tp.get(i).get("shape").get(k).asLong();
                assertEquals(
                        new Shape(expect),
                        p.getArray().getShape(),
                        "parameter " + i + " torch " + tp.get(i).get("name") + " vs "
                                + params.get(i).getKey());
                p.getArray().set(FloatBuffer.wrap(floats(tp.get(i).get("data"))));
            }
            float[] x = floats(fx.get("input")), expect = floats(fx.get("output"));
            float[] got = b.block()
                    .forward(
                            new ParameterStore(m, false),
                            new NDList(m.create(x, new Shape(2, s.channels(), s.featHeight(), s.featWidth()))),
                            false)
                    .singletonOrThrow()
                    .toFloatArray();
            assertEquals(expect.length, got.length);
            double maxErr = 0;
            for (int i = 0; i < got.length; i++) maxErr = Math.max(maxErr, Math.abs(got[i] - expect[i]));
            System.out.println("decoder parity: max abs java - torch = " + maxErr);
            assertTrue(maxErr < 1e-5, "max |java - torch| = " + maxErr);
        }
    }
}
