package org.featmap.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No package cycle among the org.featmap packages of the main sources of every module (issue #17): a cycle means two
 * packages can only be understood, tested and moved together, which is what the module layering (core ← ml ←
 * activities ← workflows ← workers) forbids between modules. The graph comes from the sources' imports and fully
 * qualified names, comments and literals left out; it runs without a dependency (no ArchUnit offline).
 */
class PackageCyclesTest {
    static final List<String> MODULES = List.of("core", "ml", "activities", "workflows", "workers");
    private static final Pattern PACKAGE = Pattern.compile("^\\s*package\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);
    /**
     * A reference to a class, org.featmap.a.b.Cls (packages are lower case, classes start upper case), or a package's
     * wildcard import, org.featmap.a.b.*.
     */
    private static final Pattern REFERENCE = Pattern.compile("\\b(org\\.featmap(?:\\.[a-z_][\\w]*)+)\\.(?:[A-Z]|\\*)");

    @Test
    void noPackageCycles() throws IOException {
        Map<String, Map<String, String>> graph = packageGraph(Path.of(".."));
        assertTrue(graph.containsKey("org.featmap.ml.report"), "the scan found the ml sources: " + graph.keySet());
        List<String> cycles = new ArrayList<>();
        for (Set<String> c : cycles(graph)) {
            StringBuilder b = new StringBuilder("cycle " + c + ":");
            for (String from : c)
                for (Map.Entry<String, String> e : graph.get(from).entrySet())
                    if (c.contains(e.getKey()))
                        b.append("\n  " + from + " -> " + e.getKey() + " (" + e.getValue() + ")");
            cycles.add(b.toString());
        }
        assertEquals(List.of(), cycles, String.join("\n", cycles));
    }

    @Test
    void findsACycleAndIgnoresComments() {
        Map<String, Map<String, String>> g = new TreeMap<>();
        Set<String> known = Set.of("org.featmap.a", "org.featmap.b", "org.featmap.c");
        addFile(g, known, "package org.featmap.a;\nimport org.featmap.b.B;\nclass A {}", "A.java");
        addFile(g, known, "package org.featmap.b;\nclass B { org.featmap.a.A a; }", "B.java");
        String c = "package org.featmap.c;\n/** {@link org.featmap.a.A} */ class C {\n"
                + "String s = \"org.featmap.b.B\"; char q = '\"'; // org.featmap.a.A\n}";
        addFile(g, known, c, "C.java");
        assertEquals(List.of(Set.of("org.featmap.a", "org.featmap.b")), cycles(g));
        assertEquals(Map.of(), g.get("org.featmap.c"), "comments and literals name no dependency");
        Map<String, Map<String, String>> w = new TreeMap<>();
        addFile(w, known, "package org.featmap.c;\nimport org.featmap.a.*;\nclass C {}", "C.java");
        assertEquals(Map.of("org.featmap.a", "C.java"), w.get("org.featmap.c"), "a package's wildcard import");
    }

    /** package → (package it references → the first file that does). */
    static Map<String, Map<String, String>> packageGraph(Path root) throws IOException {
        Map<Path, String> sources = new TreeMap<>();
        for (String m : MODULES) {
            Path src = root.resolve(m).resolve("src/main/java");
            if (!Files.isDirectory(src)) continue;
            try (Stream<Path> s = Files.walk(src)) {
                for (Path f : s.filter(p -> p.toString().endsWith(".java")).toList())
                    sources.put(root.relativize(f), codeOnly(Files.readString(f)));
            }
        }
        Set<String> known = new TreeSet<>();
        for (String code : sources.values()) {
            Matcher m = PACKAGE.matcher(code);
            if (m.find()) known.add(m.group(1));
        }
        Map<String, Map<String, String>> g = new TreeMap<>();
        sources.forEach((file, code) -> addCode(g, known, code, file.toString()));
        return g;
    }

    static void addFile(Map<String, Map<String, String>> g, Set<String> known, String source, String file) {
        addCode(g, known, codeOnly(source), file);
    }

    private static void addCode(Map<String, Map<String, String>> g, Set<String> known, String code, String file) {
        Matcher p = PACKAGE.matcher(code);
        if (!p.find()) return;
        String pkg = p.group(1);
        Map<String, String> out = g.computeIfAbsent(pkg, k -> new TreeMap<>());
        Matcher r = REFERENCE.matcher(code);
        while (r.find()) {
            // the longest known package the reference starts with: a nested class's outer class is not a package
            String q = r.group(1);
            while (!known.contains(q) && q.lastIndexOf('.') > 0) q = q.substring(0, q.lastIndexOf('.'));
            if (known.contains(q) && !q.equals(pkg)) out.putIfAbsent(q, file);
        }
    }

    /** The source without comments, string, text-block and char literals (they reference nothing). */
    static String codeOnly(String s) {
        StringBuilder b = new StringBuilder(s.length());
        int i = 0, n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            if (c == '/' && i + 1 < n && s.charAt(i + 1) == '/') {
                while (i < n && s.charAt(i) != '\n') i++;
            } else if (c == '/' && i + 1 < n && s.charAt(i + 1) == '*') {
                int end = s.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
                b.append(' ');
            } else if (s.startsWith("\"\"\"", i)) {
                int end = s.indexOf("\"\"\"", i + 3);
                i = end < 0 ? n : end + 3;
                b.append("\"\"");
            } else if (c == '"' || c == '\'') {
                i++;
                while (i < n && s.charAt(i) != c) i += s.charAt(i) == '\\' ? 2 : 1;
                i++;
                b.append(c).append(c);
            } else {
                b.append(c);
                i++;
            }
        }
        return b.toString();
    }

    /** The strongly connected components of more than one package (Tarjan), each in name order. */
    static List<Set<String>> cycles(Map<String, Map<String, String>> g) {
        Map<String, Integer> index = new HashMap<>(), low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new TreeSet<>();
        List<Set<String>> found = new ArrayList<>();
        for (String v : g.keySet()) if (!index.containsKey(v)) connect(v, g, index, low, stack, onStack, found);
        return found;
    }

    private static void connect(
            String v,
            Map<String, Map<String, String>> g,
            Map<String, Integer> index,
            Map<String, Integer> low,
            Deque<String> stack,
            Set<String> onStack,
            List<Set<String>> found) {
        index.put(v, index.size());
        low.put(v, index.get(v));
        stack.push(v);
        onStack.add(v);
        for (String w : g.getOrDefault(v, Map.of()).keySet()) {
            if (!index.containsKey(w)) {
                connect(w, g, index, low, stack, onStack, found);
                low.put(v, Math.min(low.get(v), low.get(w)));
            } else if (onStack.contains(w)) low.put(v, Math.min(low.get(v), index.get(w)));
        }
        if (low.get(v).equals(index.get(v))) {
            Set<String> c = new TreeSet<>();
            String w;
            do {
                w = stack.pop();
                onStack.remove(w);
                c.add(w);
            } while (!w.equals(v));
            if (c.size() > 1) found.add(c);
        }
    }
}
