package org.featmap.activities.tracking;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Refuses to let secrets reach the tracking server (issue #8 "secrets never appear in params, tags").
 * A key is refused when its words name a secret (token, secret, password, api key, access key...); a
 * value is refused when it contains the value of a secret environment variable or has the shape of a
 * well-known credential. Messages name the key and the variable, never the value.
 */
public final class SecretScrubber {
    private static final Set<String> SECRET_WORDS = Set.of(
            "token",
            "secret",
            "password",
            "passwd",
            "credential",
            "credentials",
            "apikey",
            "privatekey",
            "authorization");
    private static final List<List<String>> SECRET_PAIRS = List.of(
            List.of("api", "key"), List.of("access", "key"), List.of("private", "key"), List.of("secret", "key"));
    private static final Set<String> ALWAYS_SECRET_ENV = Set.of(
            "HF_TOKEN",
            "HUGGING_FACE_HUB_TOKEN",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_SESSION_TOKEN",
            "MLFLOW_TRACKING_TOKEN",
            "MLFLOW_TRACKING_PASSWORD");
    private static final List<Pattern> SECRET_SHAPES = List.of(
            Pattern.compile("\\b(AKIA|ASIA)[0-9A-Z]{16}\\b"), // AWS access key id
            Pattern.compile("\\bhf_[A-Za-z0-9]{30,}\\b"), // Hugging Face token
            Pattern.compile("-----BEGIN [A-Z ]*PRIVATE KEY-----"));
    /** Shorter values (e.g. "1", "true") would refuse ordinary params by coincidence. */
    private static final int MIN_SECRET_LENGTH = 8;

    private final Map<String, String> secretValues; // env var name -> value

    public SecretScrubber(Map<String, String> environment) {
        var found = new java.util.TreeMap<String, String>();
        environment.forEach((k, v) -> {
            if (v != null && v.length() >= MIN_SECRET_LENGTH && (ALWAYS_SECRET_ENV.contains(k) || isSecretName(k)))
                found.put(k, v);
        });
        this.secretValues = Map.copyOf(found);
    }

    public static SecretScrubber fromEnvironment() {
        return new SecretScrubber(System.getenv());
    }

    /** Throws {@link SecretLeakException} if {@code key} or {@code value} looks like a secret. */
    public void check(String kind, String key, String value) {
        if (isSecretName(key)) {
            throw new SecretLeakException("refusing to log " + kind + " '" + key + "': its name looks like a secret");
        }
        if (value == null) return;
        for (var e : secretValues.entrySet()) {
            if (value.contains(e.getValue())) {
                throw new SecretLeakException("refusing to log " + kind + " '" + key
                        + "': its value holds the value of the secret environment variable " + e.getKey());
            }
        }
        for (Pattern p : SECRET_SHAPES) {
            if (p.matcher(value).find()) {
                throw new SecretLeakException(
                        "refusing to log " + kind + " '" + key + "': its value looks like a credential");
            }
        }
    }

    /** Checks every entry of a map. */
    public void checkAll(String kind, Map<String, String> entries) {
        entries.forEach((k, v) -> check(kind, k, v));
    }

    /** True when the words of a name (split at non-letters and camelCase) name a secret. */
    public static boolean isSecretName(String name) {
        List<String> words = words(name);
        for (String w : words) if (SECRET_WORDS.contains(w)) return true;
        for (int i = 0; i + 1 < words.size(); i++) {
            if (SECRET_PAIRS.contains(List.of(words.get(i), words.get(i + 1)))) return true;
        }
        return false;
    }

    private static List<String> words(String name) {
        List<String> out = new ArrayList<>();
        String spaced = name.replaceAll("([a-z0-9])([A-Z])", "$1 $2");
        for (String w : spaced.split("[^A-Za-z0-9]+")) if (!w.isEmpty()) out.add(w.toLowerCase(Locale.ROOT));
        return out;
    }
}
