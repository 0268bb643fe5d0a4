package org.featmap.core.config;

/**
 * A config problem a person can act on: one line naming file, line, key, the bad value and what is
 * allowed, e.g. {@code config/x.yaml:12: datasets[0].groups[1].models[0]: 'lineer' is not one of
 * linear, mlp, cnn, transformer}.
 */
public final class ConfigException extends RuntimeException {
    private final String file;
    private final int line;
    private final String key;

    public ConfigException(String file, int line, String key, String problem) {
        super(file + (line > 0 ? ":" + line : "") + ": " + (key.isEmpty() ? "" : key + ": ") + problem);
        this.file = file;
        this.line = line;
        this.key = key;
    }

    public String file() {
        return file;
    }

    public int line() {
        return line;
    }

    public String key() {
        return key;
    }
}
