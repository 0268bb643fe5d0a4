package org.featmap.activities.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import org.featmap.core.store.NodeManifest;

/** The manifest's JSON form, shared by every store backend. */
public final class ManifestJson {
    static final ObjectMapper JSON = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    private ManifestJson() {}

    public static byte[] write(NodeManifest m) {
        try {
            return JSON.writeValueAsBytes(m);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static NodeManifest read(byte[] bytes, String where) throws IOException {
        try {
            return JSON.readValue(bytes, NodeManifest.class);
        } catch (IOException e) {
            throw new IOException("unreadable manifest " + where + ": " + e.getMessage(), e);
        }
    }
}
