package dev.marquee.model.testing;

import org.junit.jupiter.api.Assumptions;

/**
 * For tests that need the MovieLens dataset or ../shared/models: skip with a message on a developer's machine, fail
 * in CI ({@code CI=true}, where both are provided). The same rule as data's {@code dev.marquee.data.testing.Prerequisites}
 * (tested there), for this module, which does not depend on data's tests.
 */
public final class Prerequisites {
    private Prerequisites() {}

    public static void assumeOrFailInCi(boolean present, String message) {
        if (present) return;
        if ("true".equalsIgnoreCase(System.getenv().getOrDefault("CI", "").trim())) {
            throw new AssertionError("CI=true, where every prerequisite is provided, so this fails instead of skipping: "
                    + message);
        }
        Assumptions.abort(message);
    }
}
