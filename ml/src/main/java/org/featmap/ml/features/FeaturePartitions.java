package org.featmap.ml.features;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * A layer's feature store partitioned by manipulation (issue #13 item 3): {@code <layer>/<partition>/} holds an
 * ordinary store (store.json + shards) of the rows of one manipulation, so a cell that maps the originals
 * ({@code resized}) to one manipulation fetches 2 of the layer's 13 partitions instead of all of it. Extraction
 * writes this layout; {@link FeatureStoreReader} opens a partitioned layer as one store in enumeration order, and
 * still opens the single-store layout extractions wrote before.
 */
public final class FeaturePartitions {
    private FeaturePartitions() {}

    /**
     * The folder name of a manipulation's partition: the name itself when it is a plain file name (every
     * manipulation of spec §2 and the shortened generative-edit names), else its safe characters plus a hash, so two
     * names never share a folder.
     */
    public static String dirName(String manipulation) {
        if (manipulation.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")) return manipulation;
        String safe = manipulation.replaceAll("[^A-Za-z0-9_.-]", "_");
        if (safe.length() > 60) safe = safe.substring(0, 60);
        return "m_" + safe + "-"
                + org.featmap.core.store.Sha256.hex(manipulation).substring(0, 12);
    }

    /** The partition folders of {@code layerDir} that hold a complete store, in name order. */
    public static List<Path> present(Path layerDir) throws IOException {
        if (!Files.isDirectory(layerDir)) return List.of();
        try (Stream<Path> s = Files.list(layerDir)) {
            return s.filter(p -> Files.isRegularFile(p.resolve(StoreFiles.STORE_JSON)))
                    .sorted()
                    .toList();
        }
    }

    /** The prefix (relative to the layer folder, with a trailing slash) of a manipulation's partition. */
    public static String prefix(String manipulation) {
        return dirName(manipulation) + "/";
    }
}
