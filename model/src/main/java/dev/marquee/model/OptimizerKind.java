package dev.marquee.model;

import java.util.Locale;

/** The optimisers training can use. */
public enum OptimizerKind {
    ADAM,
    /** Adagrad with an initial accumulator of 0.1 (Keras' default), as in the reference series. */
    ADAGRAD;

    public static OptimizerKind parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown optimizer '" + name + "': use adam or adagrad");
        }
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
