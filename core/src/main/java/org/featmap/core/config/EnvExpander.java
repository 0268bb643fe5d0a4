package org.featmap.core.config;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Expands {@code ${VAR}} and {@code ${VAR:-default}} in config values. Variables whose names look
 * like secrets may not be expanded into a config: a config ends up in workflow payloads and run
 * params, and secrets must never reach either (DEVELOPERS "Secrets"); stages read them from the
 * environment themselves.
 */
public final class EnvExpander {
    private static final Pattern REF = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?}");
    private static final Pattern SECRET_NAME = Pattern.compile(
            ".*(TOKEN|SECRET|PASSWORD|PASSWD|ACCESS_KEY|PRIVATE_KEY|CREDENTIAL).*", Pattern.CASE_INSENSITIVE);

    private final Map<String, String> env;

    public EnvExpander(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    public static EnvExpander system() {
        return new EnvExpander(System.getenv());
    }

    public static boolean looksSecret(String name) {
        return SECRET_NAME.matcher(name).matches();
    }

    String expand(String value, YamlTree where) {
        if (value.indexOf("${") < 0) return value;
        Matcher m = REF.matcher(value);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            if (looksSecret(name))
                throw where.error(
                        "${" + name + "} looks like a secret; secrets are read from the environment by the stage"
                                + " that needs them and never expanded into a config");
            String v = env.get(name);
            if (v == null || v.isEmpty()) {
                if (m.group(2) == null)
                    throw where.error(
                            "environment variable " + name + " is not set; set it or write ${" + name + ":-default}");
                v = m.group(3);
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(v));
        }
        m.appendTail(sb);
        if (sb.indexOf("${") >= 0) throw where.error("'" + value + "' has an unfinished ${...} reference");
        return sb.toString();
    }
}
