package dev.marquee.data.testing;

import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/**
 * For tests that need something outside the repository (the MovieLens dataset, ../shared/models, a browser): on a
 * developer's machine a missing prerequisite skips the test with a message; in CI ({@code CI=true}, where every
 * prerequisite is provided) it fails the test, so a green build cannot hide tests that never ran.
 */
public final class Prerequisites {
    /** The variable CI systems (GitHub Actions, GitLab, ...) set to {@code true}. */
    public static final String CI = "CI";

    private Prerequisites() {}

    /** Skips the test with {@code message} when {@code present} is false; in CI, fails it instead. */
    public static void assumeOrFailInCi(boolean present, String message) {
        assumeOrFailInCi(present, message, System.getenv());
    }

    /**
     * For an optional part of a test: true when {@code present}; when not, false (the caller leaves that part
     * out and says so), except in CI, where it fails the test with {@code message}.
     */
    public static boolean presentOrFailInCi(boolean present, String message) {
        if (!present && inCi(System.getenv())) throw failure(message);
        return present;
    }

    static void assumeOrFailInCi(boolean present, String message, Map<String, String> env) {
        if (present) return;
        if (inCi(env)) throw failure(message);
        Assumptions.abort(message);
    }

    private static AssertionError failure(String message) {
        return new AssertionError("CI=true, where every prerequisite is provided, so this fails instead of skipping: " + message);
    }

    static boolean inCi(Map<String, String> env) {
        return "true".equalsIgnoreCase(env.getOrDefault(CI, "").trim());
    }
}
