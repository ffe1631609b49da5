package dev.marquee.data.dashboard;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** One file of the page (HTML, script, style), read once from the classpath. */
record StaticResource(String path, String contentType, byte[] body) {
    private static final String BASE = "/dev/marquee/data/dashboard/";

    static StaticResource load(String path, String file, String contentType) {
        try (InputStream in = StaticResource.class.getResourceAsStream(BASE + file)) {
            if (in == null) throw new IllegalStateException("missing resource " + BASE + file + " (was the tools module, scripts/tools, built?)");
            return new StaticResource(path, contentType, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read resource " + BASE + file, e);
        }
    }
}
