package org.featmap.workers;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.featmap.core.config.ConfigLoader;
import org.featmap.core.config.ConfigLocator;
import org.featmap.core.config.SweepConfig;
import org.featmap.core.graph.ExperimentGraph;
import org.featmap.core.graph.Node;
import org.featmap.core.graph.PlanSummary;
import org.featmap.core.graph.Planner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "plan",
        mixinStandardHelpOptions = true,
        description = "Plans a sweep: node counts per stage, feature disk and a GPU-hour estimate.")
final class PlanCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "sweep config (YAML)")
    Path config;

    @Option(names = "--json", description = "print {\"counts\": {...}, ...} as JSON")
    boolean json;

    @Option(names = "--dot", description = "print the graph in Graphviz dot")
    boolean dot;

    @Option(
            names = "--no-preflight",
            description = "do not check what the config points to (exports, datasets, edits);"
                    + " the plan alone, e.g. of config/paper.yaml on a machine without the data")
    boolean noPreflight;

    @Override
    public Integer call() throws Exception {
        SweepConfig cfg = ConfigLoader.load(config);
        Preflight.Checked checked = noPreflight ? null : Preflight.check(cfg, ConfigLocator.of(config));
        Map<String, String> fingerprints = Fingerprints.of(cfg);
        ExperimentGraph g = Planner.plan(cfg, fingerprints);
        PlanSummary s = PlanSummary.of(
                cfg,
                g,
                PlanSummary.Assumptions.L40,
                checked == null ? Map.of() : checked.layerValues(cfg),
                fingerprints);
        int rc = print(cfg, g, s);
        if (checked != null && !checked.problems().isEmpty()) {
            // the plan is printed all the same (it needs no files); the problems are what `run` would refuse
            System.err.println("featmap: "
                    + new Preflight.PreflightException(checked.problems())
                            .getMessage()
                            .replace("; nothing was started:", ":"));
            return 2;
        }
        return rc;
    }

    private int print(SweepConfig cfg, ExperimentGraph g, PlanSummary s) throws Exception {
        if (dot) {
            System.out.print(dot(g));
            return 0;
        }
        if (json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("sweep", cfg.sweep().name());
            out.put("counts", s.counts());
            out.put("nodes", g.nodes().size());
            out.put("feature_rows", s.featureRows());
            out.put("feature_bytes_float32", s.featureBytesFloat32());
            out.put("feature_bytes_configured", s.featureBytesConfigured());
            out.put("feature_dtype", cfg.features().dtype());
            out.put("gpu_hours", Math.round(s.gpuHours() * 10) / 10.0);
            out.put("gpu_hours_by_stage", s.gpuHoursByStage());
            out.put("assumptions", s.assumptions());
            System.out.println(new ObjectMapper()
                    .enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(out));
            return 0;
        }
        System.out.printf("sweep %s: %d nodes%n", cfg.sweep().name(), g.nodes().size());
        s.counts().forEach((stage, n) -> {
            if (n > 0) System.out.printf("  %-14s %6d%n", stage, n);
        });
        if (cfg.features().dtype().equals("float32"))
            System.out.printf("features: %,d rows, %s as float32%n", s.featureRows(), human(s.featureBytesFloat32()));
        else
            System.out.printf(
                    "features: %,d rows, %s as %s (%s as float32)%n",
                    s.featureRows(),
                    human(s.featureBytesConfigured()),
                    cfg.features().dtype(),
                    human(s.featureBytesFloat32()));
        System.out.printf("GPU hours (estimate): %.1f%n", s.gpuHours());
        s.gpuHoursByStage().forEach((k, v) -> {
            if (v > 0) System.out.printf("  %-14s %8.1f h%n", k, v);
        });
        System.out.println("assumptions:");
        for (String a : s.assumptions()) System.out.println("  - " + a);
        return 0;
    }

    static String human(long bytes) {
        String[] u = {"B", "KB", "MB", "GB", "TB", "PB"};
        double v = bytes;
        int i = 0;
        while (v >= 1000 && i < u.length - 1) {
            v /= 1000;
            i++;
        }
        return String.format("%.1f %s", v, u[i]);
    }

    static String dot(ExperimentGraph g) {
        StringBuilder sb = new StringBuilder("digraph featmap {\n  rankdir=LR;\n  node [shape=box, fontsize=9];\n");
        for (Node n : g.nodes()) {
            sb.append("  \"")
                    .append(n.id())
                    .append("\" [label=\"")
                    .append(n.id())
                    .append("\\n")
                    .append(n.key(), 0, 12)
                    .append("\"];\n");
            for (Node.Input in : n.inputs())
                sb.append("  \"")
                        .append(in.nodeId())
                        .append("\" -> \"")
                        .append(n.id())
                        .append("\" [label=\"")
                        .append(in.role())
                        .append("\"];\n");
        }
        return sb.append("}\n").toString();
    }
}
