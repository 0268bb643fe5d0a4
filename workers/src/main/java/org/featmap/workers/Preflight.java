package org.featmap.workers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.featmap.core.config.ConfigLocator;
import org.featmap.core.config.SweepConfig;
import org.featmap.core.config.SweepConfig.Backbone;
import org.featmap.core.config.SweepConfig.Dataset;
import org.featmap.core.config.Vocabulary;
import org.featmap.ml.backbone.BackboneManifest;
import org.featmap.ml.eval.FeatInvManifest;
import org.featmap.ml.images.DatasetIngest;
import org.featmap.ml.images.GenerativeEditImport;
import org.featmap.ml.images.SourceImage;

/**
 * What a config points to, checked before anything starts (plan, run, run --no-workers): backbone exports
 * and the layers their manifests have, dataset folders with their split folders and unique ids, edit import
 * folders whose files name configured prompts of the split's images, and the FeatInv and LPIPS exports when
 * configured. Every problem is one line (file:line: key: what is missing or allowed); all are listed at once,
 * so a sweep never spends hours manipulating images before an extraction node finds a missing layer.
 *
 * <p>Paths are checked as this machine sees them; with {@code --no-workers} the stack's workers must see the
 * same paths (docs/DEPLOYMENT.md). An s3:// path cannot be checked here and is skipped.
 */
final class Preflight {
    private Preflight() {}

    /** Problems listed per kind before the rest of that kind are only counted. */
    static final int EXAMPLES = 3;

    /** One problem: {@code file:line: key: what}. */
    record Problem(String line) {}

    /** Thrown by {@link #require}: every problem, one per line; exit code 2. */
    static final class PreflightException extends IllegalArgumentException {
        final List<Problem> problems;

        PreflightException(List<Problem> problems) {
            super(message(problems));
            this.problems = List.copyOf(problems);
        }

        private static String message(List<Problem> problems) {
            StringBuilder sb = new StringBuilder("preflight found " + problems.size() + " problem"
                    + (problems.size() == 1 ? "" : "s") + "; nothing was started:");
            for (Problem p : problems) sb.append("\n  ").append(p.line());
            return sb.toString();
        }
    }

    /** Throws a {@link PreflightException} listing every problem, or returns the manifests that were read. */
    static Checked require(SweepConfig cfg, ConfigLocator where) {
        Checked c = check(cfg, where);
        if (!c.problems().isEmpty()) throw new PreflightException(c.problems());
        return c;
    }

    /** @param manifests backbone name → its export's manifest, for those that could be read */
    record Checked(List<Problem> problems, Map<String, BackboneManifest> manifests) {
        /** Values (C·H·W) per configured layer, per backbone with a readable manifest (the plan's sizes). */
        Map<String, Map<String, Long>> layerValues(SweepConfig cfg) {
            Map<String, Map<String, Long>> out = new LinkedHashMap<>();
            for (Backbone b : cfg.backbones()) {
                BackboneManifest m = manifests.get(b.name());
                if (m == null) continue;
                Map<String, Long> v = new LinkedHashMap<>();
                for (BackboneManifest.LayerEntry l : m.layers())
                    v.put(
                            l.name(),
                            (long) l.shape().get(0)
                                    * l.shape().get(1)
                                    * l.shape().get(2));
                out.put(b.name(), v);
            }
            return out;
        }
    }

    static Checked check(SweepConfig cfg, ConfigLocator where) {
        List<Problem> out = new ArrayList<>();
        Map<String, BackboneManifest> manifests = new LinkedHashMap<>();
        for (int i = 0; i < cfg.backbones().size(); i++) {
            Backbone b = cfg.backbones().get(i);
            BackboneManifest m = backbone(b, "backbones[" + i + "]", where, out);
            if (m != null) manifests.put(b.name(), m);
        }
        for (int i = 0; i < cfg.datasets().size(); i++)
            dataset(cfg, cfg.datasets().get(i), "datasets[" + i + "]", where, out);
        test(cfg, manifests, where, out);
        return new Checked(List.copyOf(out), manifests);
    }

    private static void add(List<Problem> out, ConfigLocator where, String key, String what) {
        out.add(new Problem(where.format(key, what)));
    }

    private static boolean remote(String p) {
        return p != null && p.startsWith("s3://");
    }

    private static Path local(String p) {
        return Path.of(p.startsWith("file:") ? p.substring("file:".length()) : p);
    }

    private static BackboneManifest backbone(Backbone b, String key, ConfigLocator where, List<Problem> out) {
        if (remote(b.export())) return null;
        Path dir = local(b.export());
        if (!Files.isDirectory(dir)) {
            add(
                    out,
                    where,
                    key + ".export",
                    dir + ": no such folder (backbone '" + b.name() + "'; make it with featmap export-backbone,"
                            + " docs/REAL_DATA.md)");
            return null;
        }
        BackboneManifest m;
        try {
            m = BackboneManifest.read(dir);
        } catch (IOException | RuntimeException e) {
            add(out, where, key + ".export", e.getMessage());
            return null;
        }
        List<String> have = m.layerNames();
        for (int j = 0; j < b.layers().size(); j++)
            if (!have.contains(b.layers().get(j)))
                add(
                        out,
                        where,
                        key + ".layers[" + j + "]",
                        "'" + b.layers().get(j) + "' is not a layer of " + dir.resolve(BackboneManifest.FILE_NAME)
                                + "; it has " + String.join(", ", have));
        return m;
    }

    private static void dataset(SweepConfig cfg, Dataset d, String key, ConfigLocator where, List<Problem> out) {
        if (d.synthetic() != null || d.root() == null || remote(d.root())) return;
        Path root = local(d.root());
        Path images = root.resolve("images");
        List<String> missing = new ArrayList<>();
        for (String split : Vocabulary.SPLITS) if (!Files.isDirectory(images.resolve(split))) missing.add(split);
        if (!missing.isEmpty()) {
            add(
                    out,
                    where,
                    key + ".root",
                    images + ": no " + String.join("/ or ", missing) + "/ folder (dataset '" + d.name()
                            + "' needs <root>/images/{train,test}/<class>/<id>.jpg; featmap ingest cub|cars makes it from the official downloads)");
            return;
        }
        DatasetIngest.Dataset ds;
        try {
            ds = DatasetIngest.scan(root, d.numClasses(), true);
        } catch (IOException | RuntimeException e) {
            add(out, where, key + ".root", e.getMessage());
            return;
        }
        for (String split : Vocabulary.SPLITS)
            if (ds.split(split).images().isEmpty())
                add(out, where, key + ".root", images.resolve(split) + ": no images in the selected classes");
        if (d.edits().enabled() && d.edits().mode().equals("import")) edits(d, ds, key + ".edits", where, out);
    }

    private static void edits(Dataset d, DatasetIngest.Dataset ds, String key, ConfigLocator where, List<Problem> out) {
        String importDir = d.edits().importDir();
        if (remote(importDir)) return;
        Path dir = local(importDir);
        if (!Files.isDirectory(dir)) {
            add(
                    out,
                    where,
                    key + ".import_dir",
                    dir + ": no such folder (precomputed edits of dataset '" + d.name()
                            + "': <import_dir>/{train,test}/<ID>_<edit>.<ext>, docs/REAL_DATA.md)");
            return;
        }
        Set<String> prompts = new HashSet<>();
        for (SweepConfig.Prompt p : d.edits().prompts()) prompts.add(p.shortName());
        for (String split : Vocabulary.SPLITS) {
            Path splitDir;
            List<GenerativeEditImport.Entry> entries;
            try {
                splitDir = GenerativeEditImport.splitDir(dir, split);
                entries = GenerativeEditImport.entries(splitDir);
            } catch (IOException e) {
                add(out, where, key + ".import_dir", e.getMessage());
                continue;
            }
            if (entries.isEmpty()) {
                add(out, where, key + ".import_dir", splitDir + ": no image files");
                continue;
            }
            Set<String> ids = new HashSet<>();
            for (SourceImage s : ds.split(split).images()) ids.add(s.id());
            List<String> unnamed = new ArrayList<>();
            List<String> unconfigured = new ArrayList<>();
            List<String> strangers = new ArrayList<>();
            for (GenerativeEditImport.Entry e : entries) {
                if (e.problem() != null) unnamed.add(e.file().getFileName() + " (" + e.problem() + ")");
                else if (!prompts.contains(e.shortName()))
                    unconfigured.add(e.file().getFileName() + " (" + e.shortName() + ")");
                else if (!ids.contains(e.id()))
                    strangers.add(e.file().getFileName().toString());
            }
            some(out, where, key + ".import_dir", splitDir, unnamed, "with names of no known edit");
            some(
                    out,
                    where,
                    key + ".prompts",
                    splitDir,
                    unconfigured,
                    "with edits of prompts not configured here (configured: "
                            + String.join(", ", prompts.stream().sorted().toList()) + ")");
            some(
                    out,
                    where,
                    key + ".import_dir",
                    splitDir,
                    strangers,
                    "with ids that are not images of the " + split + " split of dataset '" + d.name()
                            + "' (selected classes only)");
        }
    }

    /** One line for a kind of per-file problem: the count and the first few files. */
    private static void some(
            List<Problem> out, ConfigLocator where, String key, Path dir, List<String> files, String what) {
        if (files.isEmpty()) return;
        String eg = String.join(", ", files.subList(0, Math.min(EXAMPLES, files.size())));
        add(
                out,
                where,
                key,
                dir + ": " + files.size() + " file" + (files.size() == 1 ? "" : "s") + " " + what + ": " + eg
                        + (files.size() > EXAMPLES ? ", ..." : ""));
    }

    private static void test(
            SweepConfig cfg, Map<String, BackboneManifest> manifests, ConfigLocator where, List<Problem> out) {
        SweepConfig.Test t = cfg.test();
        if (!t.enabled()) return;
        if (t.reconstructor().equals("featinv") && t.featinvExport() != null && !remote(t.featinvExport())) {
            Path p = local(t.featinvExport());
            Path manifest = Files.isDirectory(p) ? p.resolve("manifest.json") : p;
            try {
                FeatInvManifest m = FeatInvManifest.read(manifest);
                // the planner gives FeatInv to the cells of the backbones whose family the export inverts, at its layer
                // only (spec §7.4: ConvNeXt feat3), whatever their config name
                for (Map.Entry<String, BackboneManifest> e : manifests.entrySet()) {
                    BackboneManifest bm = e.getValue();
                    if (!m.backbone().equals(bm.family()) || !bm.layerNames().contains(m.featureKey())) continue;
                    List<Integer> shape = bm.layer(m.featureKey()).shape();
                    try {
                        m.requireLayer(bm.family(), m.featureKey(), shape.get(0), shape.get(1), shape.get(2));
                    } catch (IllegalArgumentException ex) {
                        add(
                                out,
                                where,
                                "test.featinv_export",
                                manifest + ": " + ex.getMessage() + " (backbone " + e.getKey() + ")");
                    }
                }
            } catch (IOException | RuntimeException e) {
                add(
                        out,
                        where,
                        "test.featinv_export",
                        e.getMessage() + " (make it with python/export_featinv.py, docs/REAL_DATA.md)");
            }
        }
        if (t.lpipsExport() != null && !remote(t.lpipsExport())) {
            Path dir = local(t.lpipsExport());
            Path mf = dir.resolve("manifest.json");
            if (!Files.isRegularFile(mf))
                add(
                        out,
                        where,
                        "test.lpips_export",
                        mf + ": missing (make it with python/export_lpips.py, docs/LPIPS.md)");
            else {
                try {
                    var m = new com.fasterxml.jackson.databind.ObjectMapper().readTree(mf.toFile());
                    Path module = dir.resolve(m.path("module").asText("lpips.pt"));
                    if (!"lpips".equals(m.path("kind").asText()))
                        add(
                                out,
                                where,
                                "test.lpips_export",
                                mf + ": kind '" + m.path("kind").asText() + "', expected 'lpips'");
                    else if (!Files.isRegularFile(module))
                        add(out, where, "test.lpips_export", module + ": module named by " + mf + " is missing");
                } catch (IOException e) {
                    add(
                            out,
                            where,
                            "test.lpips_export",
                            mf + ": not JSON (" + e.getClass().getSimpleName() + ")");
                }
            }
        }
    }
}
