package org.featmap.ml.features;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The inverse of {@link FeatureExport}: a folder of {@code <key>.npy} (N,C,H,W float32 or float16, C order),
 * {@code meta.jsonl} (one object per row: original_id, manipulation, path, class_id, and sample_id or row_idx)
 * and {@code pairs.csv} (o_idx,m_idx,manipulation) becomes an Arrow feature store, so features computed in
 * PyTorch can be trained on here. The store's identity (backbone, weights, layer, dataset, split, source) comes
 * from the export's {@code features.json} where present, else from the options. pairs.csv must be the pairs the
 * store derives from meta.jsonl (spec §3.5: pairs follow from index.json's rule), so a hand-made pair list that
 * disagrees is refused rather than silently replaced.
 */
public final class FeatureImport {
    private FeatureImport() {}

    /** Identity fields not in the npy/meta files; null means "features.json, else the default". */
    public record Options(
            String key,
            String backbone,
            String weightsSha256,
            String layer,
            String dataset,
            String split,
            String source,
            FeatureDType dtype,
            FeatureCompression compression,
            int rowsPerShard) {}

    /** @return the complete store's reader-visible row count and spec */
    public record Result(int rows, FeatureStoreSpec spec, int pairs) {}

    public static Result run(Path dir, Path out, Options o) throws IOException {
        if (!Files.isDirectory(dir)) throw new IOException(dir + ": no such folder");
        Path npy = npyFile(dir, o.key());
        Path metaFile = dir.resolve("meta.jsonl");
        Path pairsFile = dir.resolve("pairs.csv");
        for (Path p : List.of(metaFile, pairsFile))
            if (!Files.isRegularFile(p)) throw new IOException(p + ": missing (features export writes it)");
        JsonNode info = Files.isRegularFile(dir.resolve(FeatureExport.INFO))
                ? StoreFiles.JSON.readTree(dir.resolve(FeatureExport.INFO).toFile())
                : null;
        String key = npy.getFileName().toString().replaceFirst("\\.npy$", "");
        try (InputStream in = Files.newInputStream(npy)) {
            DataInputStream data = new DataInputStream(new java.io.BufferedInputStream(in, 1 << 20));
            NpyHeader h = NpyHeader.read(data, npy);
            int n = (int) h.shape()[0];
            int[] chw = {(int) h.shape()[1], (int) h.shape()[2], (int) h.shape()[3]};
            List<SampleRow> rows = meta(metaFile, n);
            checkPairs(pairsFile, rows);
            FeatureStoreSpec spec = new FeatureStoreSpec(
                    pick(o.backbone(), info, "backbone", "imported"),
                    pick(o.weightsSha256(), info, "weights_sha256", "unknown"),
                    pick(o.layer(), info, "layer", key),
                    pick(o.dataset(), info, "dataset", "dataset"),
                    pick(o.split(), info, "split", "train"),
                    pick(o.source(), info, "source", "direct"),
                    chw,
                    o.dtype() != null
                            ? o.dtype()
                            : FeatureDType.parse(
                                    pick(null, info, "dtype", h.dtype().id())),
                    o.compression() != null
                            ? o.compression()
                            : FeatureCompression.parse(pick(null, info, "compression", "none")),
                    o.rowsPerShard() > 0 ? o.rowsPerShard() : 1024);
            Files.createDirectories(out);
            if (Files.exists(out.resolve(StoreFiles.STORE_JSON)))
                throw new IOException(out + ": already holds a complete feature store; import into an empty folder");
            int per = spec.elements();
            int batch = Math.max(1, Math.min(256, (64 << 20) / (per * 4)));
            byte[] raw = new byte[batch * per * h.dtype().bytes];
            try (FeatureStoreWriter w = FeatureStoreWriter.open(out, spec);
                    NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
                for (int from = 0; from < n; from += batch) {
                    int k = Math.min(batch, n - from);
                    int bytes = k * per * h.dtype().bytes;
                    try {
                        data.readFully(raw, 0, bytes);
                    } catch (java.io.EOFException e) {
                        throw new IOException(npy + ": ends before row " + n + " of its shape "
                                + java.util.Arrays.toString(h.shape()));
                    }
                    ByteBuffer src = ByteBuffer.wrap(raw, 0, bytes).order(ByteOrder.LITTLE_ENDIAN);
                    ByteBuffer feats;
                    if (h.dtype() == spec.dtype()) feats = src.slice().order(ByteOrder.LITTLE_ENDIAN);
                    else { // float32 <-> float16 through torch's own rounding (round to nearest even)
                        DataType from32 = h.dtype() == FeatureDType.FLOAT32 ? DataType.FLOAT32 : DataType.FLOAT16;
                        DataType to = spec.dtype() == FeatureDType.FLOAT32 ? DataType.FLOAT32 : DataType.FLOAT16;
                        byte[] copy = new byte[bytes];
                        src.get(copy);
                        try (NDManager b = m.newSubManager()) {
                            feats = ByteBuffer.wrap(b.create(
                                                    ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN),
                                                    new ai.djl.ndarray.types.Shape(k * per),
                                                    from32)
                                            .toType(to, false)
                                            .toByteArray())
                                    .order(ByteOrder.LITTLE_ENDIAN);
                        }
                    }
                    w.append(
                            rows.subList(from, from + k),
                            feats,
                            from + k < n
                                    ? rows.get(from + k).sampleId()
                                    : rows.get(n - 1).sampleId() + 1);
                }
                if (data.read() != -1) throw new IOException(npy + ": has bytes after the " + n + " rows of its shape");
                int stored = w.finish();
                return new Result(
                        stored,
                        spec,
                        PairIndex.build(
                                        rows.stream().map(SampleRow::originalId).toList(),
                                        rows.stream()
                                                .map(SampleRow::manipulation)
                                                .toList())
                                .size());
            }
        }
    }

    private static String pick(String option, JsonNode info, String field, String fallback) {
        if (option != null) return option;
        if (info != null && info.hasNonNull(field)) return info.get(field).asText();
        return fallback;
    }

    private static Path npyFile(Path dir, String key) throws IOException {
        if (key != null) {
            Path p = dir.resolve(key + ".npy");
            if (!Files.isRegularFile(p)) throw new IOException(p + ": missing");
            return p;
        }
        List<Path> l;
        try (Stream<Path> s = Files.list(dir)) {
            l = s.filter(p -> p.getFileName().toString().endsWith(".npy"))
                    .sorted()
                    .toList();
        }
        if (l.size() != 1)
            throw new IOException(dir + ": "
                    + (l.isEmpty()
                            ? "no .npy file"
                            : l.size() + " .npy files (" + l.get(0).getFileName() + ", ...); name one with --key"));
        return l.get(0);
    }

    static List<SampleRow> meta(Path file, int n) throws IOException {
        List<SampleRow> rows = new ArrayList<>(n);
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int no = 0;
            while ((line = r.readLine()) != null) {
                no++;
                if (line.isBlank()) continue;
                JsonNode j;
                try {
                    j = StoreFiles.JSON.readTree(line);
                } catch (IOException e) {
                    throw new IOException(file + ":" + no + ": not a JSON object");
                }
                for (String f : List.of("original_id", "manipulation", "class_id"))
                    if (!j.hasNonNull(f))
                        throw new IOException(file + ":" + no + ": no '" + f
                                + "' (needs original_id, manipulation, class_id, path, sample_id or row_idx)");
                int row = rows.size();
                if (j.has("row_idx") && j.get("row_idx").asInt() != row)
                    throw new IOException(file + ":" + no + ": row_idx "
                            + j.get("row_idx").asInt() + ", expected " + row + " (rows in npy order)");
                int sampleId = j.has("sample_id") ? j.get("sample_id").asInt() : row;
                if (row > 0 && sampleId <= rows.get(row - 1).sampleId())
                    throw new IOException(file + ":" + no + ": sample_id " + sampleId
                            + " does not increase (enumeration order, spec §3.4)");
                rows.add(new SampleRow(
                        sampleId,
                        j.get("original_id").asText(),
                        j.get("class_id").asInt(),
                        j.get("manipulation").asText(),
                        j.path("path").asText("")));
            }
        }
        if (rows.size() != n) throw new IOException(file + ": " + rows.size() + " rows, the .npy has " + n);
        return rows;
    }

    static void checkPairs(Path file, List<SampleRow> rows) throws IOException {
        PairIndex want = PairIndex.build(
                rows.stream().map(SampleRow::originalId).toList(),
                rows.stream().map(SampleRow::manipulation).toList());
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        int i = 0;
        for (int no = 1; no < lines.size(); no++) {
            String l = lines.get(no);
            if (l.isBlank()) continue;
            String[] f = l.split(",", 3);
            String manip = f.length == 3 ? unquote(f[2]) : null;
            boolean same;
            try {
                same = i < want.size()
                        && f.length == 3
                        && Integer.parseInt(f[0].trim()) == want.originalRow()[i]
                        && Integer.parseInt(f[1].trim()) == want.manipulatedRow()[i]
                        && manip.equals(want.manipulation()[i]);
            } catch (NumberFormatException e) {
                throw new IOException(file + ":" + (no + 1) + ": expected o_idx,m_idx,manipulation, found '" + l + "'");
            }
            if (!same)
                throw new IOException(
                        file + ":" + (no + 1) + ": '" + l + "' is not pair " + i + " of meta.jsonl"
                                + (i < want.size()
                                        ? " (" + want.originalRow()[i] + "," + want.manipulatedRow()[i] + ","
                                                + want.manipulation()[i] + ")"
                                        : " (it has " + want.size() + ")")
                                + "; pairs follow from meta.jsonl: each id's resized row with each of its other rows, spec §3.5");
            i++;
        }
        if (i != want.size()) throw new IOException(file + ": " + i + " pairs, meta.jsonl gives " + want.size());
    }

    private static String unquote(String s) {
        s = s.trim();
        return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"")
                ? s.substring(1, s.length() - 1).replace("\"\"", "\"")
                : s;
    }

    /** The header of a .npy file (format 1.0-3.0), little-endian float32/float16, C order, 4 dimensions. */
    record NpyHeader(FeatureDType dtype, long[] shape) {
        private static final Pattern DESCR = Pattern.compile("'descr':\\s*'([^']*)'");
        private static final Pattern FORTRAN = Pattern.compile("'fortran_order':\\s*(True|False)");
        private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");

        static NpyHeader read(DataInputStream in, Path file) throws IOException {
            byte[] magic = new byte[8];
            in.readFully(magic);
            if ((magic[0] & 0xFF) != 0x93 || !new String(magic, 1, 5, StandardCharsets.US_ASCII).equals("NUMPY"))
                throw new IOException(file + ": not a .npy file");
            int major = magic[6];
            int len = major == 1
                    ? Short.toUnsignedInt(Short.reverseBytes(in.readShort()))
                    : Integer.reverseBytes(in.readInt());
            byte[] h = new byte[len];
            in.readFully(h);
            String dict = new String(h, major >= 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
            Matcher d = DESCR.matcher(dict), f = FORTRAN.matcher(dict), s = SHAPE.matcher(dict);
            if (!d.find() || !f.find() || !s.find())
                throw new IOException(file + ": unreadable .npy header " + dict.strip());
            FeatureDType dtype = switch (d.group(1)) {
                case "<f4" -> FeatureDType.FLOAT32;
                case "<f2" -> FeatureDType.FLOAT16;
                default ->
                    throw new IOException(
                            file + ": dtype " + d.group(1) + "; allowed little-endian float32 (<f4) or float16 (<f2)");
            };
            if (f.group(1).equals("True"))
                throw new IOException(file + ": Fortran order; save it with numpy.ascontiguousarray");
            String[] dims = s.group(1).split(",");
            List<Long> shape = new ArrayList<>();
            for (String x : dims) if (!x.isBlank()) shape.add(Long.parseLong(x.trim()));
            if (shape.size() != 4) throw new IOException(file + ": shape " + shape + "; expected (N, C, H, W)");
            return new NpyHeader(
                    dtype, shape.stream().mapToLong(Long::longValue).toArray());
        }
    }
}
