package dev.marquee.model;

import java.util.Map;
import java.util.TreeMap;

/**
 * What a model serves, kept in the registry beside its versions ({@code <base>/<name>/serving.json}): the
 * serving pointer, the version scored in shadow beside it and why, and the versions automation must never
 * promote again (retired candidates, rolled-back versions). A manual pin ({@link ModelRegistry#PIN_FILE})
 * overrides all of it; docs/RETRAINING.md has the precedence table.
 */
public class ServingState {
    /** The shadow is a published candidate waiting to be promoted on live labels. */
    public static final String CANDIDATE = "candidate";
    /** The shadow is the version just replaced, kept to roll back to if the new one does worse. */
    public static final String WATCH = "watch";

    /** The serving version; 0 = none yet. */
    public long serving;
    /** The version scored in shadow; 0 = none. */
    public long shadow;
    /** {@link #CANDIDATE} or {@link #WATCH}; null without a shadow. */
    public String shadowRole;
    /** When the current shadow started, milliseconds since the epoch. */
    public long shadowSinceMs;
    /**
     * How long trainers' promoters have been running with the current shadow, milliseconds: its expiry counts this
     * time only, not the time no promoter ran (a trainer stopped for a weekend, or not running when an import wrote
     * the candidate), whose labels no promoter saw. Kept here, not in the promoter, so that a trainer restarted (its
     * sums start afresh) does not restart the expiry as well; written at most every 10 s.
     */
    public long judgedForMs;
    public long changedAtMs;
    /** Why the state last changed, in words. */
    public String reason;
    /** Versions automation never serves again, with why (retired in shadow, rolled back). */
    public Map<Long, String> held = new TreeMap<>();

    public ServingState() {}

    public static ServingState serving(long version, String reason, long nowMs) {
        ServingState s = new ServingState();
        s.serving = version;
        s.reason = reason;
        s.changedAtMs = nowMs;
        return s;
    }

    /** This state with a new serving version and shadow (0 and null for none); the held list is kept. */
    public ServingState with(long servingVersion, long shadowVersion, String role, String why, long nowMs) {
        ServingState s = new ServingState();
        s.serving = servingVersion;
        s.shadow = shadowVersion;
        s.shadowRole = shadowVersion > 0 ? role : null;
        s.shadowSinceMs = shadowVersion > 0 ? nowMs : 0;
        s.changedAtMs = nowMs;
        s.reason = why;
        s.held = new TreeMap<>(held);
        return s;
    }

    /** The longest reason a held entry keeps (a dropped shadow's is TensorFlow's whole message, kilobytes at times). */
    static final int MAX_HELD_REASON_CHARS = 500;

    public ServingState hold(long version, String why) {
        if (why != null && why.length() > MAX_HELD_REASON_CHARS) {
            int end = MAX_HELD_REASON_CHARS - 3;
            if (Character.isHighSurrogate(why.charAt(end - 1))) end--; // not half a character
            why = why.substring(0, end) + "...";
        }
        held.put(version, why);
        return this;
    }

    /**
     * The candidate in shadow of this state when a move to {@code next} drops it (neither serving nor in shadow
     * there), else 0. Whoever drops it holds it, as the promoter holds one it retires: the retraining trigger then
     * knows its drift episode was not answered, and no automation serves it later.
     */
    public long candidateDroppedBy(ServingState next) {
        if (!hasShadow() || !CANDIDATE.equals(shadowRole)) return 0;
        return shadow == next.serving || shadow == next.shadow ? 0 : shadow;
    }

    public boolean isHeld(long version) {
        return held.containsKey(version);
    }

    public boolean hasShadow() {
        return shadow > 0;
    }

    @Override
    public String toString() {
        return "serving " + (serving > 0 ? "v" + serving : "none")
                + (shadow > 0 ? ", shadow v" + shadow + " (" + shadowRole + ")" : "")
                + (held.isEmpty() ? "" : ", held " + held.keySet());
    }
}
