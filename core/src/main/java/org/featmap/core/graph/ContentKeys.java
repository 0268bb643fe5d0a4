package org.featmap.core.graph;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.List;
import java.util.Map;
import org.featmap.core.stage.Stage;
import org.featmap.core.store.Sha256;

/** Canonical JSON and the content key rule of ARCHITECTURE "Content keys". */
public final class ContentKeys {
    private static final ObjectMapper CANON = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();

    private ContentKeys() {}

    public static String canonicalJson(Object value) {
        try {
            return CANON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("params are not JSON-serialisable: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * sha256 over stage, code version, canonical params and the input keys (in role order). Input keys
     * carry their own inputs' keys, so a change anywhere upstream changes every key below it. The stage's
     * {@link Stage#executionParams() execution params} are not part of the key.
     */
    public static String key(Stage stage, Map<String, Object> params, List<Map.Entry<String, String>> roleKeys) {
        StringBuilder sb = new StringBuilder();
        sb.append("stage=").append(stage.id()).append('\n');
        sb.append("version=").append(stage.codeVersion()).append('\n');
        java.util.TreeMap<String, Object> content = new java.util.TreeMap<>(params);
        content.keySet().removeAll(stage.executionParams());
        sb.append("params=").append(canonicalJson(content)).append('\n');
        roleKeys.stream()
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> sb.append("input.")
                        .append(e.getKey())
                        .append('=')
                        .append(e.getValue())
                        .append('\n'));
        return Sha256.hex(sb.toString());
    }
}
