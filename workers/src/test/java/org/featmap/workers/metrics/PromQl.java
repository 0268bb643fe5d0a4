package org.featmap.workers.metrics;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Just enough PromQL to find the metric names an expression reads (for the dashboard test). */
final class PromQl {
    private PromQl() {}

    private static final Set<String> KEYWORDS = Set.of(
            "and",
            "or",
            "unless",
            "bool",
            "offset",
            "by",
            "without",
            "on",
            "ignoring",
            "group_left",
            "group_right",
            "inf",
            "nan");
    private static final Pattern IDENT = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

    static Set<String> metricNames(String expr) {
        String s = expr;
        s = s.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", " "); // strings
        s = s.replaceAll("\\{[^}]*}", " "); // label matchers
        s = s.replaceAll("\\[[^]]*]", " "); // range and subquery selectors
        s = s.replaceAll("\\$\\{?[a-zA-Z_][a-zA-Z0-9_]*}?", " "); // Grafana variables
        s = s.replaceAll("(?i)\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " "); // label lists
        s = s.replaceAll("\\b(\\d+(ms|s|m|h|d|w|y))+\\b", " "); // durations (offset 5m)
        s = s.replaceAll("\\b\\d+(\\.\\d+)?(e[+-]?\\d+)?\\b", " "); // numbers
        Set<String> names = new TreeSet<>();
        Matcher m = IDENT.matcher(s);
        while (m.find()) {
            String id = m.group();
            int after = m.end();
            while (after < s.length() && Character.isWhitespace(s.charAt(after))) after++;
            boolean function = after < s.length() && s.charAt(after) == '(';
            if (function || KEYWORDS.contains(id.toLowerCase())) continue;
            // label_values(metric, label): the second argument is a label, not a metric
            int before = m.start() - 1;
            while (before >= 0 && Character.isWhitespace(s.charAt(before))) before--;
            if (before >= 0
                    && s.charAt(before) == ','
                    && s.substring(0, before).matches("(?s).*label_values\\s*\\([^,()]*")) continue;
            names.add(id);
        }
        return names;
    }
}
