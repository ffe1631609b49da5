package dev.marquee.data.config;

import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * Hides the values of secret settings (passwords, JAAS configurations, tokens, TLS private keys) wherever
 * settings are printed or logged. A key is secret when its name says so; the value is replaced as a whole.
 */
public final class SecretMasking {
    public static final String MASK = "******";
    private static final String[] SECRET_WORDS = {"password", "passwd", "passphrase", "jaas", "secret", "token", "credential",
        "apikey", "api-key", "api.key", "user.info"};

    private SecretMasking() {}

    /**
     * True for keys such as {@code ssl.truststore.password}, {@code sasl.jaas.config},
     * {@code kafka.property.sasl.oauthbearer.client.credentials.client.secret}, {@code ssl.keystore.key}.
     */
    public static boolean isSecret(String key) {
        if (key == null) return false;
        String k = key.toLowerCase(Locale.ROOT);
        for (String word : SECRET_WORDS) {
            if (k.contains(word)) return true;
        }
        // TLS private keys given inline (ssl.keystore.key, ssl.key.*), not serializer classes (key.serializer)
        return k.contains("ssl.") && (k.endsWith(".key") || k.contains(".key."));
    }

    /** The value, or {@link #MASK} when the key is secret. */
    public static String mask(String key, Object value) {
        if (value == null) return null;
        return isSecret(key) ? MASK : String.valueOf(value);
    }

    /** A copy with secret values masked, sorted by key. */
    public static Map<String, String> masked(Map<?, ?> settings) {
        Map<String, String> out = new TreeMap<>();
        settings.forEach((k, v) -> out.put(String.valueOf(k), mask(String.valueOf(k), v)));
        return out;
    }

    public static Map<String, String> masked(Properties properties) {
        return masked((Map<?, ?>) properties);
    }

    /** {@code key=value, key=******, ...}, sorted by key, for a start-up log line. */
    public static String describe(Map<?, ?> settings) {
        StringJoiner j = new StringJoiner(", ");
        masked(settings).forEach((k, v) -> j.add(k + "=" + v));
        return j.toString();
    }

    /** A secret's value in a message ({@code password=...}, {@code token: ...}) replaced; the rest of the text kept. */
    private static final java.util.regex.Pattern SECRET_VALUE = java.util.regex.Pattern.compile(
            "(?i)((?:password|passwd|passphrase|secret|token|credentials?|api[-._]?key)\"?\\s*[=:]\\s*|bearer\\s+)(\"[^\"]*\"|'[^']*'|[^\\s,;)]+)");

    /**
     * {@code text} with the value of every {@code password=...}, {@code token: ...}, {@code "access_token":"..."}
     * (and the other secret words) and {@code Bearer ...} replaced by {@link #MASK}: for messages whose words help,
     * such as a broker's "Invalid username or password".
     */
    public static String maskValues(String text) {
        return text == null ? null : SECRET_VALUE.matcher(text).replaceAll("$1" + MASK);
    }

    /** True when free text (an argument echoed in an error, say) looks like it carries a secret. */
    public static boolean looksSecret(String text) {
        return text != null && isSecret(text);
    }
}
