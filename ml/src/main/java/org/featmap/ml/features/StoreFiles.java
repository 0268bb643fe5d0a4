package org.featmap.ml.features;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * File names and JSON records of a feature store directory:
 * {@code part-NNNNN.arrow} (complete shard, renamed from {@code .tmp}), its index
 * {@code part-NNNNN.json} (row metadata, written before the rename), and {@code store.json}
 * (written last, marks the whole store complete).
 */
final class StoreFiles {
    private StoreFiles() {}

    static final String STORE_JSON = "store.json";
    static final ObjectMapper JSON = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    static String shardName(int index) {
        return String.format("part-%05d.arrow", index);
    }

    static String indexName(int index) {
        return String.format("part-%05d.json", index);
    }

    /** Per-shard index: enough to open a store without reading any feature bytes. */
    record ShardIndex(
            @JsonProperty("identity") String identity,
            @JsonProperty("file") String file,
            @JsonProperty("rows") int rows,
            @JsonProperty("batch_rows") List<Integer> batchRows,
            @JsonProperty("next_sample_id") int nextSampleId,
            @JsonProperty("sample_id") int[] sampleId,
            @JsonProperty("original_id") List<String> originalId,
            @JsonProperty("class_id") int[] classId,
            @JsonProperty("manipulation") List<String> manipulation,
            @JsonProperty("path") List<String> path) {}

    /** store.json: the complete store. */
    record StoreInfo(
            @JsonProperty("identity") String identity,
            @JsonProperty("backbone") String backbone,
            @JsonProperty("weights_sha256") String weightsSha256,
            @JsonProperty("layer") String layer,
            @JsonProperty("dataset") String dataset,
            @JsonProperty("split") String split,
            @JsonProperty("source") String source,
            @JsonProperty("shape") int[] shape,
            @JsonProperty("layout") String layout,
            @JsonProperty("dtype") String dtype,
            @JsonProperty("compression") String compression,
            @JsonProperty("rows") int rows,
            @JsonProperty("shards") List<String> shards) {}

    static void writeAtomically(Path file, Object value) throws IOException {
        org.featmap.ml.AtomicFiles.writeVia(
                file, tmp -> JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), value));
    }
}
