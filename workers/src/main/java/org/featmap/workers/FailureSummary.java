package org.featmap.workers;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.featmap.core.contract.SweepStatus;

/**
 * A sweep's failures as a person reads them: one line per distinct cause with its count and an example
 * node, and one line for the nodes skipped because an input failed, instead of one line per node (a
 * paper-scale sweep can skip thousands). Causes are grouped by their message with paths, content keys and
 * numbers blanked, so the same error on many nodes or files is one line. Every node's own reason stays
 * available ({@code featmap status --all}, the log file of {@code run}).
 */
final class FailureSummary {
    private FailureSummary() {}

    /** Longest message shown on a summary line. */
    static final int WIDTH = 240;

    /** One distinct cause: how many nodes (or files) had it, the first one and its message. */
    record Cause(String shape, int count, String example, String message, Map<String, Integer> perStage) {}

    /** Failed (not skipped) nodes grouped by cause, largest group first. */
    static List<Cause> failed(SweepStatus s) {
        Map<String, String> failed = new TreeMap<>();
        s.failures().forEach((id, why) -> {
            if (!isSkip(why)) failed.put(id, why.startsWith("failed: ") ? why.substring("failed: ".length()) : why);
        });
        return group(failed);
    }

    /** Nodes skipped because an input did not finish, per stage. */
    static Map<String, Integer> skipped(SweepStatus s) {
        Map<String, Integer> per = new TreeMap<>();
        s.failures().forEach((id, why) -> {
            if (isSkip(why)) per.merge(stageOf(id), 1, Integer::sum);
        });
        return per;
    }

    static boolean isSkip(String why) {
        return why.startsWith("skipped");
    }

    static String stageOf(String nodeId) {
        int slash = nodeId.indexOf('/');
        return slash < 0 ? nodeId : nodeId.substring(0, slash);
    }

    /** Groups item → message by message shape; the first item in key order is the example. */
    static List<Cause> group(Map<String, String> byItem) {
        Map<String, List<String>> items = new LinkedHashMap<>();
        Map<String, String> first = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : new TreeMap<>(byItem).entrySet()) {
            String shape = shape(e.getValue());
            items.computeIfAbsent(shape, k -> new ArrayList<>()).add(e.getKey());
            first.putIfAbsent(shape, e.getValue());
        }
        List<Cause> out = new ArrayList<>();
        items.forEach((shape, ids) -> {
            Map<String, Integer> per = new TreeMap<>();
            for (String id : ids) per.merge(stageOf(id), 1, Integer::sum);
            out.add(new Cause(shape, ids.size(), ids.get(0), first.get(shape), per));
        });
        out.sort((a, b) -> Integer.compare(b.count(), a.count()));
        return out;
    }

    /** The message with what differs between nodes of one cause blanked: paths, hex keys, quoted values, numbers. */
    static String shape(String message) {
        return message.replaceAll("(?:[A-Za-z]:)?(?:/[^\\s:,;'\"()]+)+", "<path>")
                .replaceAll("\\b[0-9a-f]{12,64}\\b", "<key>")
                .replaceAll("'[^']*'", "'…'")
                .replaceAll("\\d+(?:\\.\\d+)?(?:[eE][-+]?\\d+)?", "#")
                .replaceAll("\\s+", " ")
                .trim();
    }

    static String clip(String s) {
        String one = s.replaceAll("\\s+", " ").trim();
        return one.length() <= WIDTH ? one : one.substring(0, WIDTH - 1) + "…";
    }

    /** The summary lines of a finished (or running) sweep's failures; empty when nothing failed. */
    static List<String> lines(SweepStatus s) {
        List<String> out = new ArrayList<>();
        List<Cause> causes = failed(s);
        int failedNodes = causes.stream().mapToInt(Cause::count).sum();
        if (failedNodes > 0) {
            out.add(String.format(
                    "failed: %d node%s, %d distinct cause%s:",
                    failedNodes, failedNodes == 1 ? "" : "s", causes.size(), causes.size() == 1 ? "" : "s"));
            for (Cause c : causes)
                out.add(String.format("  %5d × %s", c.count(), clip(c.example() + ": " + c.message())));
        }
        Map<String, Integer> skipped = skipped(s);
        int n = skipped.values().stream().mapToInt(Integer::intValue).sum();
        if (n > 0) {
            StringBuilder per = new StringBuilder();
            skipped.forEach((stage, k) -> per.append(per.length() == 0 ? "" : ", ")
                    .append(stage)
                    .append(' ')
                    .append(k));
            out.add(String.format("skipped: %d node%s whose inputs did not finish (%s)", n, n == 1 ? "" : "s", per));
        }
        return out;
    }

    /** Per-file failures that nodes tolerated (undecodable images, unknown edit names), grouped by cause. */
    static List<String> itemLines(Map<String, List<String>> itemFailuresByNode, String where) {
        Map<String, String> byItem = new LinkedHashMap<>();
        int total = 0;
        for (Map.Entry<String, List<String>> e : itemFailuresByNode.entrySet()) {
            int i = 0;
            for (String f : e.getValue()) byItem.put(e.getKey() + "#" + String.format("%09d", i++), f);
            total += e.getValue().size();
        }
        List<String> out = new ArrayList<>();
        if (total == 0) return out;
        List<Cause> causes = group(byItem);
        out.add(String.format(
                "files that failed inside nodes: %d in %d node%s, %d distinct cause%s (every line: %s):",
                total,
                itemFailuresByNode.size(),
                itemFailuresByNode.size() == 1 ? "" : "s",
                causes.size(),
                causes.size() == 1 ? "" : "s",
                where));
        for (Cause c : causes) {
            String node = c.example().substring(0, c.example().lastIndexOf('#'));
            out.add(String.format("  %5d × %s", c.count(), clip(node + ": " + c.message())));
        }
        return out;
    }
}
