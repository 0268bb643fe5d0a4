package org.featmap.activities.store;

import java.util.regex.Pattern;

/** Validation of names that become store paths: nothing may escape its node's folder. */
public final class StorePaths {
  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.,'+=@()\\-]{0,199}");
  private static final Pattern STAGE = Pattern.compile("[a-z][a-z0-9_]{0,39}");
  private static final Pattern KEY = Pattern.compile("[0-9a-f]{64}");

  private StorePaths() {}

  /** A relative '/'-separated path of plain segments; returns it unchanged or throws one line. */
  public static String checkRelative(String path) {
    if (path == null || path.isEmpty() || path.length() > 1000)
      throw new IllegalArgumentException("bad store path '" + path + "': empty or longer than 1000 characters");
    for (String seg : path.split("/", -1))
      if (!SEGMENT.matcher(seg).matches() || seg.equals("..") || seg.equals("."))
        throw new IllegalArgumentException("bad store path '" + path + "': segment '" + seg
            + "' is not allowed (letters, digits and _ . , ' + = @ ( ) -; no leading dot, no '..', not absolute)");
    return path;
  }

  public static void checkStageKey(String stage, String key) {
    if (stage == null || !STAGE.matcher(stage).matches())
      throw new IllegalArgumentException("bad stage name '" + stage + "': lower-case letters, digits, _");
    if (key == null || !KEY.matcher(key).matches())
      throw new IllegalArgumentException("bad content key '" + key + "': 64 lower-case hex digits");
  }
}
