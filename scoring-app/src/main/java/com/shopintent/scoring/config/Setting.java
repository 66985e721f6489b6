package com.shopintent.scoring.config;

import java.util.Map;
import java.util.function.Function;

/**
 * One setting: its environment variable, default, parser and a description of the allowed values.
 * Parsing failures become a {@link ConfigException} that says all three.
 */
public record Setting<T>(String env, String defaultValue, String allowed, boolean secret, Function<String, T> parser) {

    public static final String PREFIX = "SCORING_";

    public Setting {
        if (!env.startsWith(PREFIX)) {
            throw new IllegalArgumentException("setting " + env + " must start with " + PREFIX);
        }
    }

    public static <T> Setting<T> of(String env, String defaultValue, String allowed, Function<String, T> parser) {
        return new Setting<>(env, defaultValue, allowed, false, parser);
    }

    public static <T> Setting<T> secret(String env, String defaultValue, String allowed, Function<String, T> parser) {
        return new Setting<>(env, defaultValue, allowed, true, parser);
    }

    /** The command-line flag for this setting: {@code SCORING_SESSION_TIMEOUT} is {@code --session-timeout}. */
    public String flag() {
        return "--" + env.substring(PREFIX.length()).toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    /** The raw text in force: the given value, else the default (which may be null: unset). */
    public String raw(Map<String, String> values) {
        String value = values.get(env);
        return value == null || value.isBlank() ? defaultValue : value.trim();
    }

    public T read(Map<String, String> values) {
        String raw = raw(values);
        if (raw == null) {
            return null;
        }
        try {
            return parser.apply(raw);
        } catch (RuntimeException e) {
            throw new ConfigException(env + "=" + (secret ? "*****" : "'" + raw + "'") + " is invalid: allowed " + allowed
                    + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")"), e);
        }
    }
}
