package org.featmap.core.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Where a key of a config file was written, so that checks made after loading (preflight: files the config
 * points to) can name file, line and key like {@link ConfigException} does. Keys are the loader's paths,
 * e.g. {@code backbones[0].layers[2]}; a key the file does not write (a default) is located at its closest
 * written parent.
 */
public final class ConfigLocator {
    private final String file;
    private final Map<String, Integer> lines;

    private ConfigLocator(String file, Map<String, Integer> lines) {
        this.file = file;
        this.lines = lines;
    }

    /** A locator that knows no lines (e.g. a config built in code). */
    public static ConfigLocator none(String file) {
        return new ConfigLocator(file, Map.of());
    }

    public static ConfigLocator of(Path file) {
        try {
            return of(file.toString(), Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            return none(file.toString());
        }
    }

    public static ConfigLocator of(String file, String text) {
        Map<String, Integer> lines = new HashMap<>();
        try {
            Node root = new Yaml(new LoaderOptions()).compose(new java.io.StringReader(text));
            if (root != null) walk(root, "", lines);
        } catch (RuntimeException e) {
            // the loader has already accepted the file; a locator without lines only loses the line numbers
        }
        return new ConfigLocator(file, lines);
    }

    private static void walk(Node n, String path, Map<String, Integer> lines) {
        lines.put(path, n.getStartMark().getLine() + 1);
        if (n instanceof MappingNode m) {
            for (NodeTuple t : m.getValue())
                if (t.getKeyNode() instanceof ScalarNode k) {
                    String child = path.isEmpty() ? k.getValue() : path + "." + k.getValue();
                    walk(t.getValueNode(), child, lines);
                    lines.put(child, t.getKeyNode().getStartMark().getLine() + 1);
                }
        } else if (n instanceof SequenceNode s) {
            int i = 0;
            for (Node item : s.getValue()) walk(item, path + "[" + i++ + "]", lines);
        }
    }

    public String file() {
        return file;
    }

    /** The line of {@code key} or of its closest written parent; 0 when unknown. */
    public int line(String key) {
        String k = key;
        while (true) {
            Integer l = lines.get(k);
            if (l != null) return l;
            int cut = Math.max(k.lastIndexOf('.'), k.lastIndexOf('['));
            if (cut <= 0) return lines.getOrDefault("", 0);
            k = k.substring(0, cut);
        }
    }

    /** {@code file:line: key: problem}, the format of {@link ConfigException}. */
    public String format(String key, String problem) {
        int l = line(key);
        return file + (l > 0 ? ":" + l : "") + ": " + (key.isEmpty() ? "" : key + ": ") + problem;
    }
}
