package org.featmap.ml.mapping;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The safetensors format: 8-byte little-endian header length, a JSON header {name: {dtype, shape,
 * data_offsets}} padded with spaces to a multiple of 8, then the raw little-endian tensor bytes.
 * F32 and I64 only (all the mapping state needs).
 */
public final class Safetensors {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Safetensors() {}

    public static void write(Path file, Map<String, NDArray> tensors, Map<String, String> metadata) throws IOException {
        ObjectNode header = JSON.createObjectNode();
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode meta = header.putObject("__metadata__");
            metadata.forEach(meta::put);
        }
        long offset = 0;
        Map<String, byte[]> data = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
            NDArray a = e.getValue();
            String dtype = switch (a.getDataType()) {
                case FLOAT32 -> "F32";
                case INT64 -> "I64";
                default ->
                    throw new IllegalArgumentException("safetensors " + file + ": tensor '" + e.getKey()
                            + "' has dtype " + a.getDataType() + ": allowed float32, int64");
            };
            ByteBuffer bb = a.toByteBuffer();
            byte[] bytes = new byte[bb.remaining()];
            bb.order(ByteOrder.LITTLE_ENDIAN).get(bytes);
            ObjectNode t = header.putObject(e.getKey());
            t.put("dtype", dtype);
            var shape = t.putArray("shape");
            for (long d : a.getShape().getShape()) {
                shape.add(d);
            }
            t.putArray("data_offsets").add(offset).add(offset + bytes.length);
            offset += bytes.length;
            data.put(e.getKey(), bytes);
        }
        byte[] h = JSON.writeValueAsBytes(header);
        int padded = (h.length + 7) / 8 * 8;
        byte[] hp = new byte[padded];
        java.util.Arrays.fill(hp, (byte) ' ');
        System.arraycopy(h, 0, hp, 0, h.length);
        org.featmap.ml.AtomicFiles.write(file, out -> {
            ByteBuffer len =
                    ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
            out.write(len.array());
            out.write(hp);
            for (byte[] b : data.values()) {
                out.write(b);
            }
        });
    }

    /** Reads all tensors (header order) into arrays of {@code manager}. */
    public static Map<String, NDArray> read(Path file, NDManager manager) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(len, 0);
            long n = len.flip().getLong();
            if (n <= 0 || n > ch.size() - 8) {
                throw new IOException("safetensors " + file + ": header length " + n + " outside the file");
            }
            ByteBuffer hb = ByteBuffer.allocate((int) n);
            ch.read(hb, 8);
            JsonNode header = JSON.readTree(new String(hb.array(), StandardCharsets.UTF_8).trim());
            Map<String, NDArray> out = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().equals("__metadata__")) {
                    continue;
                }
                JsonNode t = e.getValue();
                long[] shape = new long[t.get("shape").size()];
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = t.get("shape").get(i).asLong();
                }
                long start = t.get("data_offsets").get(0).asLong();
                long end = t.get("data_offsets").get(1).asLong();
                ByteBuffer buf = ByteBuffer.allocate((int) (end - start)).order(ByteOrder.LITTLE_ENDIAN);
                ch.read(buf, 8 + n + start);
                buf.flip();
                // heap arrays → the engine copies them; a direct buffer handed to the engine may be
                // aliased by the tensor and freed by the GC under it
                NDArray a = switch (t.get("dtype").asText()) {
                    case "F32" -> {
                        float[] f = new float[buf.remaining() / 4];
                        buf.asFloatBuffer().get(f);
                        yield manager.create(f, new Shape(shape));
                    }
                    case "I64" -> {
                        long[] l = new long[buf.remaining() / 8];
                        buf.asLongBuffer().get(l);
                        yield manager.create(l, new Shape(shape));
                    }
                    default ->
                        throw new IOException("safetensors " + file + ": tensor '" + e.getKey() + "' dtype "
                                + t.get("dtype").asText() + ": allowed F32, I64");
                };
                out.put(e.getKey(), a);
            }
            return out;
        }
    }
}
