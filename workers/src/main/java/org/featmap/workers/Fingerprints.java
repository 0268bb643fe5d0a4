package org.featmap.workers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.featmap.core.config.SweepConfig;
import org.featmap.core.store.Sha256;

/**
 * Fingerprints of what a config points to, so that content keys change when the files do: a backbone
 * export's manifest sha256, a dataset's file listing (paths and sizes), an edit folder's listing.
 * Missing things get a "missing" fingerprint; the stage that needs them then says what is wrong.
 */
final class Fingerprints {
    private Fingerprints() {}

    static Map<String, String> of(SweepConfig cfg) throws IOException {
        Map<String, String> f = new LinkedHashMap<>();
        for (SweepConfig.Backbone b : cfg.backbones()) {
            Path m = Path.of(b.export()).resolve("manifest.json");
            f.put("backbone:" + b.name(), Files.isRegularFile(m) ? Sha256.ofFile(m) : "missing");
            String family = Files.isRegularFile(m) ? field(m, "family") : null;
            if (family != null)
                f.put("family:" + b.name(), family); // capabilities by family, not by config name (issue #17)
        }
        if (cfg.test().lpipsExport() != null) {
            Path m = Path.of(cfg.test().lpipsExport()).resolve("manifest.json");
            f.put("lpips", Files.isRegularFile(m) ? Sha256.ofFile(m) : "missing");
        }
        if (cfg.test().featinvExport() != null) {
            Path m = Path.of(cfg.test().featinvExport());
            if (Files.isDirectory(m)) m = m.resolve("manifest.json");
            f.put("featinv", Files.isRegularFile(m) ? Sha256.ofFile(m) : "missing");
            String inverts = Files.isRegularFile(m) ? field(m, "backbone") : null,
                    layer = Files.isRegularFile(m) ? field(m, "featureKey") : null;
            if (inverts != null && layer != null) {
                f.put("featinv:backbone", inverts);
                f.put("featinv:layer", layer);
            }
        }
        for (SweepConfig.Dataset d : cfg.datasets()) {
            if (d.root() != null)
                f.put("dataset:" + d.name(), listing(Path.of(d.root()).resolve("images")));
            if (d.edits().enabled() && d.edits().importDir() != null)
                f.put("edits:" + d.name(), listing(Path.of(d.edits().importDir())));
        }
        return f;
    }

    /**
     * The entries that identify a sweep (its workflow id): the capabilities read from a manifest (family:, featinv:) are
     * left out, since the manifest's sha256 is already in, so a sweep launched before they existed keeps its id.
     */
    static java.util.SortedMap<String, String> identity(Map<String, String> fp) {
        java.util.SortedMap<String, String> m = new java.util.TreeMap<>(fp);
        m.keySet().removeIf(k -> k.startsWith("family:") || k.startsWith("featinv:"));
        return m;
    }

    /** A top-level text field of a JSON manifest, or null when absent or unreadable (the stage reports a bad manifest). */
    static String field(Path json, String name) {
        try {
            com.fasterxml.jackson.databind.JsonNode v = new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(json.toFile())
                    .get(name);
            return v != null && v.isTextual() ? v.asText() : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    static String listing(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return "missing";
        StringBuilder sb = new StringBuilder();
        List<Path> files;
        try (Stream<Path> s = Files.walk(dir)) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path p : files)
            sb.append(dir.relativize(p)).append('\t').append(Files.size(p)).append('\n');
        return Sha256.hex(sb.toString());
    }
}
