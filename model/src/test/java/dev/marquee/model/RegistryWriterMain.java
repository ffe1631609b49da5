package dev.marquee.model;

import java.nio.file.Path;

/**
 * A second process writing the serving pointer for {@link ModelRegistryTest}: args registry, model name, first
 * held key, count. Each update adds one held version (key) to the pointer's held list, read-modify-write. Once
 * started (its classes loaded, the pointer read once) it prints {@code ready} and waits for a line on its standard
 * input, so its writes overlap the test's threads' instead of following them.
 */
public final class RegistryWriterMain {
    static final String READY = "ready";

    private RegistryWriterMain() {}

    public static void main(String[] args) throws Exception {
        ModelRegistry registry = new ModelRegistry(Path.of(args[0]));
        long first = Long.parseLong(args[2]);
        int count = Integer.parseInt(args[3]);
        registry.state(args[1]);
        System.out.println(READY);
        System.out.flush();
        if (System.in.read() < 0) throw new IllegalStateException("no go signal: standard input closed");
        for (long key = first; key < first + count; key++) {
            long held = key;
            registry.updateState(args[1], s -> s.with(s.serving, 0, null, "writer", 0).hold(held, "by another process"));
        }
    }
}
