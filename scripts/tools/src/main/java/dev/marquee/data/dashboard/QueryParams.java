package dev.marquee.data.dashboard;

/** Reads {@code after=N} from {@code /api/reports}' query string. */
final class QueryParams {
    private QueryParams() {}

    /** The {@code after} index: -1 (everything) when absent, null when it is not a whole number >= -1. */
    static Long afterIndex(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) return -1L;
        for (String pair : rawQuery.split("&")) {
            if (pair.startsWith("after=")) {
                String v = pair.substring("after=".length());
                if (v.isEmpty() || v.length() > 19) return null;
                try {
                    long after = Long.parseLong(v);
                    return after >= -1 ? after : null;
                } catch (NumberFormatException e) {
                    return null;
                }
            }
        }
        return -1L;
    }
}
