package dev.marquee.data.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads typed, validated values from string settings (command-line {@code --key value}, a properties file, or
 * a Flink configuration). Every failure names the key, what it takes, and what it got.
 */
public final class Settings {
    private final Map<String, String> values;

    public Settings(Map<String, String> values) {
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    public static Settings empty() {
        return new Settings(Map.of());
    }

    public Map<String, String> asMap() {
        return values;
    }

    public boolean has(String key) {
        return values.containsKey(key);
    }

    public String string(String key, String defaultValue) {
        String v = values.get(key);
        if (v == null) return defaultValue;
        if (v.isBlank()) throw new SettingException(key + " must not be empty");
        return v.trim();
    }

    public long longInRange(String key, long defaultValue, long min, long max) {
        String v = values.get(key);
        if (v == null) return defaultValue;
        long parsed;
        try {
            parsed = Long.parseLong(v.trim().replace("_", ""));
        } catch (NumberFormatException e) {
            throw new SettingException(key + " must be a whole number between " + min + " and " + max + ", got '" + v + "'");
        }
        if (parsed < min || parsed > max) {
            throw new SettingException(key + " must be between " + min + " and " + max + ", got " + parsed);
        }
        return parsed;
    }

    public int intInRange(String key, int defaultValue, int min, int max) {
        return (int) longInRange(key, defaultValue, min, max);
    }

    public double doubleInRange(String key, double defaultValue, double min, double max) {
        String v = values.get(key);
        if (v == null) return defaultValue;
        double parsed;
        try {
            parsed = Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new SettingException(key + " must be a number between " + min + " and " + max + ", got '" + v + "'");
        }
        if (!(parsed >= min && parsed <= max)) {
            throw new SettingException(key + " must be between " + min + " and " + max + ", got " + v.trim());
        }
        return parsed;
    }

    public boolean bool(String key, boolean defaultValue) {
        String v = values.get(key);
        if (v == null) return defaultValue;
        switch (v.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true": case "yes": case "on": case "1": return true;
            case "false": case "no": case "off": case "0": return false;
            default: throw new SettingException(key + " must be true or false, got '" + v + "'");
        }
    }
}
