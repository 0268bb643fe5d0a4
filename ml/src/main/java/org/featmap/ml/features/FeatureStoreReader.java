package org.featmap.ml.features;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.compression.CommonsCompressionFactory;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FixedSizeBinaryVector;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.message.ArrowBlock;
import org.apache.arrow.vector.util.TransferPair;

/**
 * Random access to a complete feature store directory. Row metadata comes from the shard indexes
 * (no feature bytes are read at open); feature record batches are loaded on demand and kept in an
 * LRU cache bounded in bytes. Not thread-safe.
 */
public final class FeatureStoreReader implements AutoCloseable {
    private final Path dir;
    private final StoreFiles.StoreInfo info;
    private final FeatureDType dtype;
    private final int[] shape;
    private final int rowBytes;
    private final BufferAllocator allocator = new RootAllocator();
    private final List<Shard> shards = new ArrayList<>();
    private final int[] rowShard, rowBatch, rowInBatch;
    private final int[] sampleId, classId;
    private final String[] originalId, manipulation, path;
    private final long cacheBytes;
    private final LinkedHashMap<Long, FixedSizeBinaryVector> cache = new LinkedHashMap<>(16, 0.75f, true);
    private long cached;
    private PairIndex pairs;

    private record Shard(Path file, FileChannel channel, ArrowFileReader reader, List<ArrowBlock> blocks) {}

    public static FeatureStoreReader open(Path dir) throws IOException {
        return open(dir, 256L << 20);
    }

    /**
     * Opens {@code dir}; {@code cacheBytes} bounds the decoded feature batches kept in memory. {@code dir} is either one
     * store ({@code store.json} + shards) or a layer partitioned by manipulation ({@link FeaturePartitions}: a store per
     * manipulation in its own folder); a partitioned layer opens as the union of the partitions present, rows in
     * enumeration order (by sample id), so a consumer sees the same rows, pairs and order as from one store.
     */
    public static FeatureStoreReader open(Path dir, long cacheBytes) throws IOException {
        List<Path> parts = new ArrayList<>();
        if (Files.isRegularFile(dir.resolve(StoreFiles.STORE_JSON))) parts.add(dir);
        else parts.addAll(FeaturePartitions.present(dir));
        if (parts.isEmpty())
            throw new FeatureStoreException(dir.resolve(StoreFiles.STORE_JSON)
                    + ": missing; the feature store is not complete (re-run extraction to resume)");
        List<StoreFiles.StoreInfo> infos = new ArrayList<>();
        for (Path p : parts)
            infos.add(StoreFiles.JSON.readValue(p.resolve(StoreFiles.STORE_JSON).toFile(), StoreFiles.StoreInfo.class));
        StoreFiles.StoreInfo first = infos.get(0);
        int rows = 0;
        List<String> files = new ArrayList<>();
        for (int i = 0; i < infos.size(); i++) {
            StoreFiles.StoreInfo in = infos.get(i);
            if (!in.identity().equals(first.identity())
                    || !Arrays.equals(in.shape(), first.shape())
                    || !in.dtype().equals(first.dtype()))
                throw new FeatureStoreException(parts.get(i) + ": partition holds '" + in.identity() + "' "
                        + Arrays.toString(in.shape()) + " " + in.dtype() + ", " + parts.get(0) + " holds '"
                        + first.identity() + "' " + Arrays.toString(first.shape()) + " " + first.dtype());
            rows += in.rows();
            for (String f : in.shards())
                files.add(dir.relativize(parts.get(i).resolve(f)).toString());
        }
        StoreFiles.StoreInfo union = new StoreFiles.StoreInfo(
                first.identity(),
                first.backbone(),
                first.weightsSha256(),
                first.layer(),
                first.dataset(),
                first.split(),
                first.source(),
                first.shape(),
                first.layout(),
                first.dtype(),
                first.compression(),
                rows,
                files);
        FeatureStoreReader r = new FeatureStoreReader(dir, union, cacheBytes);
        try {
            int row = 0;
            for (int i = 0; i < parts.size(); i++) row = r.openShards(parts.get(i), infos.get(i), row);
            if (row != rows)
                throw new FeatureStoreException(dir + ": shards hold " + row + " rows, store.json says " + rows);
            if (parts.size() > 1) r.sortBySampleId();
            return r;
        } catch (IOException | RuntimeException e) {
            r.close();
            throw e;
        }
    }

    private FeatureStoreReader(Path dir, StoreFiles.StoreInfo info, long cacheBytes) {
        this.dir = dir;
        this.info = info;
        this.dtype = FeatureDType.parse(info.dtype());
        this.shape = info.shape();
        this.rowBytes = shape[0] * shape[1] * shape[2] * dtype.bytes;
        this.cacheBytes = cacheBytes;
        int n = info.rows();
        rowShard = new int[n];
        rowBatch = new int[n];
        rowInBatch = new int[n];
        sampleId = new int[n];
        classId = new int[n];
        originalId = new String[n];
        manipulation = new String[n];
        path = new String[n];
    }

    /** Opens the shards of one store folder {@code part}, its rows numbered from {@code row}; returns the next row. */
    private int openShards(Path part, StoreFiles.StoreInfo partInfo, int row) throws IOException {
        for (int s = 0; s < partInfo.shards().size(); s++) {
            String name = partInfo.shards().get(s);
            Path file = part.resolve(name);
            StoreFiles.ShardIndex si = StoreFiles.JSON.readValue(
                    part.resolve(StoreFiles.indexName(s)).toFile(), StoreFiles.ShardIndex.class);
            if (!si.file().equals(name) || !si.identity().equals(info.identity()))
                throw new FeatureStoreException(part.resolve(StoreFiles.indexName(s)) + ": index does not belong to "
                        + name + " of this store");
            FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
            ArrowFileReader reader = new ArrowFileReader(ch, allocator, CommonsCompressionFactory.INSTANCE);
            int shard = shards.size();
            shards.add(new Shard(file, ch, reader, null));
            Map<String, String> meta = reader.getVectorSchemaRoot().getSchema().getCustomMetadata();
            String expectShape = Arrays.toString(shape);
            if (!expectShape.equals(meta.get("featmap.shape"))
                    || !dtype.id().equals(meta.get("featmap.dtype"))
                    || !info.layer().equals(meta.get("featmap.layer")))
                throw new FeatureStoreException(file + ": schema metadata shape=" + meta.get("featmap.shape")
                        + " dtype=" + meta.get("featmap.dtype") + " layer=" + meta.get("featmap.layer")
                        + " disagrees with store.json shape=" + expectShape + " dtype=" + dtype.id() + " layer="
                        + info.layer());
            List<ArrowBlock> blocks = reader.getRecordBlocks();
            shards.set(shard, new Shard(file, ch, reader, blocks));
            if (blocks.size() != si.batchRows().size())
                throw new FeatureStoreException(file + ": " + blocks.size() + " record batches, index lists "
                        + si.batchRows().size());
            int i = 0;
            for (int b = 0; b < si.batchRows().size(); b++) {
                for (int k = 0; k < si.batchRows().get(b); k++, i++, row++) {
                    if (row >= info.rows())
                        throw new FeatureStoreException(
                                dir + ": shards hold more rows than store.json's " + info.rows());
                    rowShard[row] = shard;
                    rowBatch[row] = b;
                    rowInBatch[row] = k;
                    sampleId[row] = si.sampleId()[i];
                    classId[row] = si.classId()[i];
                    originalId[row] = si.originalId().get(i);
                    manipulation[row] = si.manipulation().get(i);
                    path[row] = si.path().get(i);
                }
            }
        }
        return row;
    }

    /** Puts the rows of several partitions in enumeration order (sample ids are unique across them). */
    private void sortBySampleId() {
        Integer[] order = new Integer[sampleId.length];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Arrays.sort(order, java.util.Comparator.comparingInt(i -> sampleId[i]));
        int[] p = new int[order.length];
        for (int i = 0; i < p.length; i++) p[i] = order[i];
        permute(rowShard, p);
        permute(rowBatch, p);
        permute(rowInBatch, p);
        permute(sampleId, p);
        permute(classId, p);
        permute(originalId, p);
        permute(manipulation, p);
        permute(path, p);
        for (int i = 1; i < sampleId.length; i++)
            if (sampleId[i] == sampleId[i - 1])
                throw new FeatureStoreException(dir + ": sample id " + sampleId[i] + " in two partitions");
    }

    private static void permute(int[] a, int[] p) {
        int[] c = a.clone();
        for (int i = 0; i < p.length; i++) a[i] = c[p[i]];
    }

    private static void permute(String[] a, int[] p) {
        String[] c = a.clone();
        for (int i = 0; i < p.length; i++) a[i] = c[p[i]];
    }

    /** store.json as read (identity fields the export carries along). */
    StoreFiles.StoreInfo info() {
        return info;
    }

    public int size() {
        return info.rows();
    }

    public int[] shape() {
        return shape.clone();
    }

    public int channels() {
        return shape[0];
    }

    public int height() {
        return shape[1];
    }

    public int width() {
        return shape[2];
    }

    public FeatureDType dtype() {
        return dtype;
    }

    public String layer() {
        return info.layer();
    }

    public String backbone() {
        return info.backbone();
    }

    public int rowBytes() {
        return rowBytes;
    }

    public int sampleId(int row) {
        return sampleId[row];
    }

    public int classId(int row) {
        return classId[row];
    }

    public String originalId(int row) {
        return originalId[row];
    }

    public String manipulation(int row) {
        return manipulation[row];
    }

    public String path(int row) {
        return path[row];
    }

    public Path dir() {
        return dir;
    }

    /** The pairing index of spec §3.5 over this store's rows (built once). */
    public PairIndex pairs() {
        if (pairs == null) pairs = PairIndex.build(Arrays.asList(originalId), Arrays.asList(manipulation));
        return pairs;
    }

    /** A {@link PairDataset} of the pairs with manipulation {@code manip} (all pairs if null). */
    public FeaturePairDataset pairDataset(String manip) {
        return new FeaturePairDataset(this, manip == null ? pairs() : pairs().filter(manip));
    }

    /** The decoded Arrow buffer holding {@code row}, and the byte offset of the row in it. */
    private ArrowBuf locate(int row, long[] offset) throws IOException {
        if (row < 0 || row >= size())
            throw new IndexOutOfBoundsException("row " + row + " of " + size() + " in " + dir);
        long key = ((long) rowShard[row] << 32) | rowBatch[row];
        FixedSizeBinaryVector v = cache.get(key);
        if (v == null) {
            Shard s = shards.get(rowShard[row]);
            if (!s.reader().loadRecordBatch(s.blocks().get(rowBatch[row])))
                throw new FeatureStoreException(s.file() + ": record batch " + rowBatch[row] + " unreadable");
            FixedSizeBinaryVector src =
                    (FixedSizeBinaryVector) s.reader().getVectorSchemaRoot().getVector("feature");
            if (src.getByteWidth() != rowBytes)
                throw new FeatureStoreException(
                        s.file() + ": feature width " + src.getByteWidth() + " bytes, store.json implies " + rowBytes);
            TransferPair tp = src.getTransferPair(allocator);
            tp.transfer(); // ownership moves, no byte copy
            v = (FixedSizeBinaryVector) tp.getTo();
            cache.put(key, v);
            cached += (long) v.getValueCount() * rowBytes;
            var it = cache.entrySet().iterator();
            while (cached > cacheBytes && cache.size() > 1) {
                var e = it.next();
                cached -= (long) e.getValue().getValueCount() * rowBytes;
                e.getValue().close();
                it.remove();
            }
        }
        offset[0] = (long) rowInBatch[row] * rowBytes;
        return v.getDataBuffer();
    }

    /** Copies the CHW float32 map of {@code row} into {@code dst[off..]} (float16 widened). */
    public void readRow(int row, float[] dst, int off) throws IOException {
        long[] o = new long[1];
        ArrowBuf buf = locate(row, o);
        int n = shape[0] * shape[1] * shape[2];
        ByteBuffer bb = buf.nioBuffer(o[0], rowBytes).order(ByteOrder.LITTLE_ENDIAN);
        if (dtype == FeatureDType.FLOAT32) {
            bb.asFloatBuffer().get(dst, off, n);
        } else {
            for (int i = 0; i < n; i++) dst[off + i] = Half.toFloat(bb.getShort(i * 2));
        }
    }

    public float[] readRow(int row) throws IOException {
        float[] out = new float[shape[0] * shape[1] * shape[2]];
        readRow(row, out, 0);
        return out;
    }

    /**
     * Reads {@code rows} into one (n,C,H,W) float32 NDArray on {@code manager}. The only copy is
     * Arrow buffer → a direct ByteBuffer in batch layout; PyTorch's NDManager wraps a direct buffer
     * without copying (PtNDArray keeps it as its data). float16 stores are widened by libtorch
     * ({@code toType}), a conversion not a second copy of the stored bytes.
     */
    public NDArray readRows(NDManager manager, int[] rows) throws IOException {
        ByteBuffer batch = ByteBuffer.allocateDirect(rows.length * rowBytes).order(ByteOrder.LITTLE_ENDIAN);
        copyRows(rows, batch);
        batch.flip();
        Shape s = new Shape(rows.length, shape[0], shape[1], shape[2]);
        if (dtype == FeatureDType.FLOAT32) return org.featmap.ml.Tensors.owned(manager, batch, s, DataType.FLOAT32);
        try (NDArray half = manager.create(batch, s, DataType.FLOAT16)) {
            return half.toType(DataType.FLOAT32, false);
        }
    }

    void copyRows(int[] rows, ByteBuffer dst) throws IOException {
        long[] o = new long[1];
        for (int r : rows) {
            ArrowBuf buf = locate(r, o);
            int pos = dst.position();
            ByteBuffer target = dst.duplicate();
            target.limit(pos + rowBytes);
            buf.getBytes(o[0], target);
            dst.position(pos + rowBytes);
        }
    }

    @Override
    public void close() throws IOException {
        for (FixedSizeBinaryVector v : cache.values()) v.close();
        cache.clear();
        for (Shard s : shards) {
            s.reader().close();
            s.channel().close();
        }
        shards.clear();
        allocator.close();
    }
}
