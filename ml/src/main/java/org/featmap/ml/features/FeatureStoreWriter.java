package org.featmap.ml.features;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.arrow.compression.CommonsCompressionFactory;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FixedSizeBinaryVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.compression.CompressionCodec;
import org.apache.arrow.vector.compression.NoCompressionCodec;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.ipc.message.IpcOption;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Streams feature rows into one store directory as Arrow IPC file shards. A shard is written to
 * {@code part-N.arrow.tmp} one record batch per {@link #append} (memory bounded by a batch) and
 * renamed when full, after its row index {@code part-N.json}; {@code store.json} is written by
 * {@link #finish}. Opening an existing directory resumes after its last complete shard.
 *
 * <p>The {@code feature} column is FixedSizeBinary(C·H·W·bytes): raw little-endian float32 or
 * float16 in CHW order, so a row is one contiguous byte range (read with a single copy).
 */
public final class FeatureStoreWriter implements AutoCloseable {
    private final Path dir;
    private final FeatureStoreSpec spec;
    private final BufferAllocator allocator;
    private final List<StoreFiles.ShardIndex> shards = new ArrayList<>();
    private final boolean complete;

    private VectorSchemaRoot root;
    private ArrowFileWriter writer;
    private FileChannel channel;
    private Path tmpFile;
    private ShardBuilder current;
    private int nextSampleId;

    private FeatureStoreWriter(Path dir, FeatureStoreSpec spec, boolean complete) {
        this.dir = dir;
        this.spec = spec;
        this.complete = complete;
        this.allocator = new RootAllocator();
    }

    /** Opens {@code dir} for writing {@code spec}, resuming after the last complete shard if any. */
    public static FeatureStoreWriter open(Path dir, FeatureStoreSpec spec) throws IOException {
        Files.createDirectories(dir);
        Path storeJson = dir.resolve(StoreFiles.STORE_JSON);
        if (Files.exists(storeJson)) {
            StoreFiles.StoreInfo info = StoreFiles.JSON.readValue(storeJson.toFile(), StoreFiles.StoreInfo.class);
            if (!info.identity().equals(spec.identity()))
                throw new FeatureStoreException(storeJson + ": holds features '" + info.identity() + "', config asks '"
                        + spec.identity() + "'; use another output dir");
            FeatureStoreWriter w = new FeatureStoreWriter(dir, spec, true);
            w.loadShards(info.shards().size());
            return w;
        }
        FeatureStoreWriter w = new FeatureStoreWriter(dir, spec, false);
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList())
                if (p.getFileName().toString().endsWith(".tmp")) Files.delete(p); // partial, never visible
        }
        w.loadShards(Integer.MAX_VALUE);
        return w;
    }

    private void loadShards(int max) throws IOException {
        for (int i = 0; i < max; i++) {
            Path arrow = dir.resolve(StoreFiles.shardName(i)), index = dir.resolve(StoreFiles.indexName(i));
            if (!Files.exists(arrow)) {
                Files.deleteIfExists(index); // index of a shard that never got renamed
                for (int j = i + 1; Files.exists(dir.resolve(StoreFiles.shardName(j))); j++)
                    throw new FeatureStoreException(dir + ": shard " + StoreFiles.shardName(j)
                            + " exists after missing " + StoreFiles.shardName(i));
                break;
            }
            StoreFiles.ShardIndex si = StoreFiles.JSON.readValue(index.toFile(), StoreFiles.ShardIndex.class);
            if (!si.identity().equals(spec.identity()))
                throw new FeatureStoreException(index + ": shard holds features '" + si.identity() + "', config asks '"
                        + spec.identity() + "'");
            shards.add(si);
            nextSampleId = si.nextSampleId();
        }
    }

    /** File name of shard {@code index} in a store directory (immutable once it has this name). */
    public static String shardFileName(int index) {
        return StoreFiles.shardName(index);
    }

    /** File name of the row index of shard {@code index}, written before the shard gets its name. */
    public static String indexFileName(int index) {
        return StoreFiles.indexName(index);
    }

    /** True when {@code store.json} already exists: nothing left to write. */
    public boolean complete() {
        return complete;
    }

    /** The enumeration index (row_idx) after the last sample in a complete shard: where to resume. */
    public int nextSampleId() {
        return nextSampleId;
    }

    public int rowsWritten() {
        int n = shards.stream().mapToInt(StoreFiles.ShardIndex::rows).sum();
        return n + (current == null ? 0 : current.rows());
    }

    public int completeShards() {
        return shards.size();
    }

    public FeatureStoreSpec spec() {
        return spec;
    }

    /**
     * Appends rows whose features are {@code features} (rows.size() × rowBytes, little-endian, dtype
     * of the spec, CHW per row). {@code nextSampleId} is the enumeration index to resume from once
     * these rows are durable (it may skip failed samples).
     */
    public void append(List<SampleRow> rows, ByteBuffer features, int nextSampleId) throws IOException {
        if (complete) throw new FeatureStoreException(dir + ": store is complete, nothing to append");
        int rb = spec.rowBytes();
        if (features.remaining() != (long) rows.size() * rb)
            throw new IllegalArgumentException(
                    "features have " + features.remaining() + " bytes, expected " + rows.size() + " x " + rb);
        int done = 0;
        while (done < rows.size()) {
            if (current == null) startShard();
            int n = Math.min(rows.size() - done, spec.rowsPerShard() - current.rows());
            ByteBuffer slice = features.duplicate();
            slice.position(features.position() + done * rb).limit(features.position() + (done + n) * rb);
            writeBatch(rows.subList(done, done + n), slice);
            done += n;
            boolean last = done == rows.size();
            if (current.rows() == spec.rowsPerShard())
                finishShard(last ? nextSampleId : rows.get(done).sampleId());
        }
        if (current != null) current.nextSampleId = nextSampleId;
    }

    private void startShard() throws IOException {
        int index = shards.size();
        tmpFile = dir.resolve(StoreFiles.shardName(index) + ".tmp");
        channel = FileChannel.open(
                tmpFile, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
        root = VectorSchemaRoot.create(schema(spec), allocator);
        Map<String, String> meta = new LinkedHashMap<>(schemaMetadata(spec));
        meta.put("featmap.shard", Integer.toString(index));
        writer = new ArrowFileWriter(
                root,
                null,
                channel,
                meta,
                IpcOption.DEFAULT,
                codecFactory(spec.compression()),
                spec.compression().codec,
                Optional.empty());
        writer.start();
        current = new ShardBuilder(StoreFiles.shardName(index));
    }

    private void writeBatch(List<SampleRow> rows, ByteBuffer features) throws IOException {
        int n = rows.size(), rb = spec.rowBytes();
        IntVector sampleId = (IntVector) root.getVector("sample_id");
        VarCharVector originalId = (VarCharVector) root.getVector("original_id");
        IntVector classId = (IntVector) root.getVector("class_id");
        VarCharVector manipulation = (VarCharVector) root.getVector("manipulation");
        VarCharVector path = (VarCharVector) root.getVector("path");
        FixedSizeBinaryVector feature = (FixedSizeBinaryVector) root.getVector("feature");
        root.clear();
        sampleId.allocateNew(n);
        classId.allocateNew(n);
        originalId.allocateNew(n);
        manipulation.allocateNew(n);
        path.allocateNew(n);
        feature.allocateNew(n);
        for (int i = 0; i < n; i++) {
            SampleRow r = rows.get(i);
            sampleId.set(i, r.sampleId());
            classId.set(i, r.classId());
            originalId.setSafe(i, r.originalId().getBytes(StandardCharsets.UTF_8));
            manipulation.setSafe(i, r.manipulation().getBytes(StandardCharsets.UTF_8));
            path.setSafe(i, r.path().getBytes(StandardCharsets.UTF_8));
            feature.setIndexDefined(i);
            current.add(r);
        }
        feature.getDataBuffer().setBytes(0, features); // one bulk copy of the batch's feature bytes
        root.setRowCount(n);
        writer.writeBatch();
        current.batchRows.add(n);
    }

    private void finishShard(int nextSample) throws IOException {
        writer.end();
        channel.force(true);
        writer.close(); // closes the channel
        root.close();
        StoreFiles.ShardIndex si = current.build(spec.identity(), nextSample);
        StoreFiles.writeAtomically(dir.resolve(StoreFiles.indexName(shards.size())), si);
        Files.move(tmpFile, dir.resolve(current.file), StandardCopyOption.ATOMIC_MOVE); // now visible
        shards.add(si);
        nextSampleId = nextSample;
        writer = null;
        channel = null;
        root = null;
        current = null;
    }

    /** Closes the last (partial) shard and writes {@code store.json}; returns the store's row count. */
    public int finish() throws IOException {
        if (complete) return rowsWritten();
        if (current != null && current.rows() > 0) finishShard(current.nextSampleId);
        List<String> files = shards.stream().map(StoreFiles.ShardIndex::file).toList();
        int rows = rowsWritten();
        StoreFiles.writeAtomically(
                dir.resolve(StoreFiles.STORE_JSON),
                new StoreFiles.StoreInfo(
                        spec.identity(),
                        spec.backbone(),
                        spec.weightsSha256(),
                        spec.layer(),
                        spec.dataset(),
                        spec.split(),
                        spec.source(),
                        spec.shape(),
                        "NCHW",
                        spec.dtype().id(),
                        spec.compression().id(),
                        rows,
                        files));
        return rows;
    }

    /** Abandons an unfinished shard (its .tmp file is deleted); complete shards stay. */
    @Override
    public void close() throws IOException {
        if (writer != null) {
            try {
                writer.close();
            } catch (RuntimeException ignored) {
                // the partial shard is discarded below
            }
            channel.close();
            root.close();
            Files.deleteIfExists(tmpFile);
            writer = null;
            current = null;
        }
        allocator.close();
    }

    /** Arrow's commons factory only knows ZSTD/LZ4; NONE goes through the no-compression factory. */
    static CompressionCodec.Factory codecFactory(FeatureCompression c) {
        return c == FeatureCompression.NONE ? NoCompressionCodec.Factory.INSTANCE : CommonsCompressionFactory.INSTANCE;
    }

    static Schema schema(FeatureStoreSpec spec) {
        return new Schema(
                List.of(
                        Field.notNullable("sample_id", new ArrowType.Int(32, true)),
                        Field.notNullable("original_id", ArrowType.Utf8.INSTANCE),
                        Field.notNullable("class_id", new ArrowType.Int(32, true)),
                        Field.notNullable("manipulation", ArrowType.Utf8.INSTANCE),
                        Field.notNullable("path", ArrowType.Utf8.INSTANCE),
                        new Field(
                                "feature",
                                new FieldType(false, new ArrowType.FixedSizeBinary(spec.rowBytes()), null),
                                null)),
                schemaMetadata(spec));
    }

    static Map<String, String> schemaMetadata(FeatureStoreSpec spec) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("featmap.shape", Arrays.toString(spec.shape()));
        m.put("featmap.layout", "CHW");
        m.put("featmap.dtype", spec.dtype().id());
        m.put("featmap.byte_order", "little");
        m.put("featmap.backbone", spec.backbone());
        m.put("featmap.layer", spec.layer());
        m.put("featmap.dataset", spec.dataset());
        m.put("featmap.split", spec.split());
        m.put("featmap.source", spec.source());
        return m;
    }

    private static final class ShardBuilder {
        final String file;
        final List<Integer> batchRows = new ArrayList<>();
        final List<Integer> sampleIds = new ArrayList<>(), classIds = new ArrayList<>();
        final List<String> originalIds = new ArrayList<>(),
                manipulations = new ArrayList<>(),
                paths = new ArrayList<>();
        int nextSampleId;

        ShardBuilder(String file) {
            this.file = file;
        }

        int rows() {
            return sampleIds.size();
        }

        void add(SampleRow r) {
            sampleIds.add(r.sampleId());
            classIds.add(r.classId());
            originalIds.add(r.originalId());
            manipulations.add(r.manipulation());
            paths.add(r.path());
        }

        StoreFiles.ShardIndex build(String identity, int nextSample) {
            return new StoreFiles.ShardIndex(
                    identity,
                    file,
                    rows(),
                    List.copyOf(batchRows),
                    nextSample,
                    sampleIds.stream().mapToInt(Integer::intValue).toArray(),
                    List.copyOf(originalIds),
                    classIds.stream().mapToInt(Integer::intValue).toArray(),
                    List.copyOf(manipulations),
                    List.copyOf(paths));
        }
    }
}
