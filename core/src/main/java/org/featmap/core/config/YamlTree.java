package org.featmap.core.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * A thin, typed view of a SnakeYAML node tree that remembers where every value came from, so that
 * each validation error names file, line and key. Unknown keys are errors (spec §11 B17: the
 * reference silently ignored misspelt keys).
 */
final class YamlTree {
    private final String file;
    private final Node node;
    private final String path;
    private final EnvExpander env;
    private final Set<String> seen = new LinkedHashSet<>();

    private YamlTree(String file, Node node, String path, EnvExpander env) {
        this.file = file;
        this.node = node;
        this.path = path;
        this.env = env;
    }

    static YamlTree parse(String file, String text, EnvExpander env) {
        LoaderOptions opts = new LoaderOptions();
        opts.setAllowDuplicateKeys(false);
        opts.setMaxAliasesForCollections(10);
        opts.setCodePointLimit(4 * 1024 * 1024);
        Node root;
        try {
            root = new Yaml(opts).compose(new java.io.StringReader(text));
        } catch (org.yaml.snakeyaml.error.MarkedYAMLException e) {
            int line = e.getProblemMark() != null ? e.getProblemMark().getLine() + 1 : 0;
            throw new ConfigException(file, line, "", "not valid YAML: " + oneLine(e.getProblem()));
        } catch (org.yaml.snakeyaml.error.YAMLException e) {
            throw new ConfigException(file, 0, "", "not valid YAML: " + oneLine(e.getMessage()));
        }
        if (root == null)
            throw new ConfigException(file, 1, "", "the file is empty; expected a mapping with a 'sweep' key");
        YamlTree t = new YamlTree(file, root, "", env);
        t.requireMapping();
        return t;
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s+", " ").trim();
    }

    String file() {
        return file;
    }

    int line() {
        return node.getStartMark().getLine() + 1;
    }

    String path() {
        return path;
    }

    ConfigException error(String problem) {
        return new ConfigException(file, line(), path, problem);
    }

    private String child(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    private void requireMapping() {
        if (!(node instanceof MappingNode)) throw error("expected a mapping (key: value lines), found " + kind(node));
    }

    private static String kind(Node n) {
        if (n instanceof MappingNode) return "a mapping";
        if (n instanceof SequenceNode) return "a list";
        return "the value '" + ((ScalarNode) n).getValue() + "'";
    }

    private Map<String, Node> entries() {
        requireMapping();
        Map<String, Node> m = new LinkedHashMap<>();
        for (NodeTuple t : ((MappingNode) node).getValue()) {
            if (!(t.getKeyNode() instanceof ScalarNode k))
                throw new ConfigException(
                        file, t.getKeyNode().getStartMark().getLine() + 1, path, "keys must be plain words");
            m.put(k.getValue(), t.getValueNode());
        }
        return m;
    }

    boolean has(String key) {
        Node n = entries().get(key);
        return n != null && !(n instanceof ScalarNode sc && sc.getTag().equals(org.yaml.snakeyaml.nodes.Tag.NULL));
    }

    /** Fails on any key not in {@code allowed}; call after reading a mapping. */
    void rejectUnknown(String... allowed) {
        requireMapping(); // a section written as a scalar or list gets a one-line error, not a ClassCastException
        Set<String> ok = new LinkedHashSet<>(Arrays.asList(allowed));
        Set<String> keys = new LinkedHashSet<>();
        for (NodeTuple t : ((MappingNode) node).getValue()) {
            String k = ((ScalarNode) t.getKeyNode()).getValue();
            if (!keys.add(k))
                throw new ConfigException(
                        file, t.getKeyNode().getStartMark().getLine() + 1, child(k), "key appears twice");
            if (!ok.contains(k))
                throw new ConfigException(
                        file,
                        t.getKeyNode().getStartMark().getLine() + 1,
                        child(k),
                        "unknown key; allowed here: " + String.join(", ", ok));
        }
    }

    YamlTree get(String key) {
        Node n = entries().get(key);
        if (n == null) throw error("missing required key '" + key + "'");
        return new YamlTree(file, n, child(key), env);
    }

    YamlTree getOrNull(String key) {
        return has(key) ? get(key) : null;
    }

    List<YamlTree> list() {
        if (!(node instanceof SequenceNode seq)) throw error("expected a list, found " + kind(node));
        List<YamlTree> out = new ArrayList<>();
        int i = 0;
        for (Node n : seq.getValue()) out.add(new YamlTree(file, n, path + "[" + i++ + "]", env));
        return out;
    }

    List<YamlTree> list(String key) {
        return get(key).list();
    }

    String scalar() {
        if (!(node instanceof ScalarNode s)) throw error("expected a single value, found " + kind(node));
        return env.expand(s.getValue(), this);
    }

    String str(String key) {
        return get(key).scalar();
    }

    String str(String key, String dflt) {
        return has(key) ? str(key) : dflt;
    }

    /** A name used in file paths and keys: letters, digits, '_', '-', '.', never '..' or a separator. */
    String name(String key) {
        YamlTree t = get(key);
        return t.checkName(t.scalar());
    }

    String checkName(String v) {
        if (v.isEmpty() || v.length() > 120 || !v.matches("[A-Za-z0-9_][A-Za-z0-9_.\\-]*") || v.contains(".."))
            throw error("'" + v
                    + "' is not a usable name; allowed: 1-120 characters of A-Z a-z 0-9 _ - . (no '..', no '/')");
        return v;
    }

    long integer(String key, long min, long max) {
        return get(key).integer(min, max);
    }

    long integer(String key, long dflt, long min, long max) {
        return has(key) ? integer(key, min, max) : dflt;
    }

    long integer(long min, long max) {
        String v = scalar();
        long x;
        try {
            x = Long.parseLong(v.replace("_", ""));
        } catch (NumberFormatException e) {
            throw error("'" + v + "' is not a whole number; allowed: " + min + " .. " + max);
        }
        if (x < min || x > max) throw error(x + " is out of range; allowed: " + min + " .. " + max);
        return x;
    }

    double real(String key, double dflt, double min, double max) {
        if (!has(key)) return dflt;
        YamlTree t = get(key);
        String v = t.scalar();
        double x;
        try {
            x = Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw t.error("'" + v + "' is not a number; allowed: " + min + " .. " + max);
        }
        if (!(x >= min && x <= max)) throw t.error(v + " is out of range; allowed: " + min + " .. " + max);
        return x;
    }

    boolean bool(String key, boolean dflt) {
        if (!has(key)) return dflt;
        YamlTree t = get(key);
        String v = t.scalar();
        return switch (v) {
            case "true", "True", "yes" -> true;
            case "false", "False", "no" -> false;
            default -> throw t.error("'" + v + "' is not a boolean; allowed: true, false");
        };
    }

    <E> E choice(String key, E dflt, Collection<E> allowed, Function<E, String> label) {
        if (!has(key)) return dflt;
        return get(key).choice(allowed, label);
    }

    <E> E choice(Collection<E> allowed, Function<E, String> label) {
        String v = scalar();
        for (E e : allowed) if (label.apply(e).equals(v)) return e;
        throw error("'" + v + "' is not one of "
                + String.join(", ", allowed.stream().map(label).toList()));
    }

    List<String> strings(String key, List<String> dflt) {
        if (!has(key)) return dflt;
        List<String> out = new ArrayList<>();
        for (YamlTree t : list(key)) out.add(t.scalar());
        return List.copyOf(out);
    }
}
