package org.featmap.activities.store;

import java.util.regex.Pattern;

/**
 * Validates the names that address files of a store node, for every store (local folder and S3):
 * nothing may escape {@code <stage>/<key>/}, and names stay portable across file systems and S3.
 * Errors are one line naming the value and what is allowed (spec: bad input gives an actionable message).
 */
public final class StorePaths {
    /** The commit marker's file name inside a node; reserved, so no output can overwrite it. */
    public static final String MANIFEST = "manifest.json";

    // Spaces, apostrophes and parentheses occur in real class folder names (Stanford Cars); a leading
    // '.' is refused so hidden and temporary files never become artifacts.
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_+=@,()' -][A-Za-z0-9._+=@,()' -]{0,199}");
    private static final Pattern STAGE = Pattern.compile("[a-z][a-z0-9_-]{0,63}");
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final int MAX_PATH = 1024;

    private StorePaths() {}

    /**
     * Checks a path relative to a node folder and returns it unchanged: '/'-separated segments of
     * {@code [A-Za-z0-9._+=@,-]}, no empty, {@code .} or {@code ..} segment, not absolute, not the manifest.
     */
    public static String checkRelative(String path) {
        if (path == null || path.isEmpty()) throw bad(path, "it is empty");
        if (path.length() > MAX_PATH)
            throw bad(path.substring(0, 40) + "...", "it is longer than " + MAX_PATH + " characters");
        if (path.startsWith("/") || path.startsWith("\\") || path.matches("^[A-Za-z]:.*")) {
            throw bad(path, "it is absolute");
        }
        for (String segment : path.split("/", -1)) {
            if (segment.equals("..") || segment.equals("."))
                throw bad(path, "'" + segment + "' segments would escape the node");
            if (segment.isEmpty()) throw bad(path, "it has an empty segment");
            if (!SEGMENT.matcher(segment).matches()) {
                throw bad(
                        path,
                        "segment '" + printable(segment)
                                + "' has characters outside [A-Za-z0-9._+=@,()' -], starts with '.' or is over 200 long");
            }
        }
        if (path.equals(MANIFEST)) throw bad(path, "'" + MANIFEST + "' is reserved for the node's commit marker");
        return path;
    }

    /** Checks a stage name ({@code [a-z][a-z0-9_-]{0,63}}) and a content key ({@code [A-Za-z0-9][A-Za-z0-9._-]{0,127}}, no '..'). */
    public static void checkStageKey(String stage, String key) {
        if (stage == null || !STAGE.matcher(stage).matches()) {
            throw new IllegalArgumentException(
                    "bad stage name '" + printable(stage) + "': allowed is [a-z][a-z0-9_-]{0,63}");
        }
        if (key == null || !KEY.matcher(key).matches() || key.contains("..")) {
            throw new IllegalArgumentException("bad node key '" + printable(key) + "' for stage " + stage
                    + ": allowed is [A-Za-z0-9][A-Za-z0-9._-]{0,127} without '..'");
        }
    }

    private static IllegalArgumentException bad(String path, String why) {
        return new IllegalArgumentException("bad artifact path '" + printable(path) + "': " + why
                + " (allowed: relative '/'-separated names of [A-Za-z0-9._+=@,()' -], not starting with '.')");
    }

    /** Keeps error messages on one line whatever the input holds. */
    static String printable(String s) {
        if (s == null) return "null";
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c < 0x20 || c == 0x7f) b.append(String.format("\\u%04x", (int) c));
            else b.append(c);
        }
        return b.toString();
    }
}
