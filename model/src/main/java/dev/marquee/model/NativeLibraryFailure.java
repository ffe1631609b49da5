package dev.marquee.model;

/**
 * What to tell a user whose process could not link a class or TensorFlow's native library: most often JavaCPP could
 * not unpack it (a full disk, a read-only cache folder) or the host's glibc is too old. The JVM keeps the failure:
 * nothing works until the process is started again.
 */
public final class NativeLibraryFailure {
    private NativeLibraryFailure() {}

    public static String describe(LinkageError e) {
        Throwable cause = e.getCause() != null ? e.getCause() : GpuProbe.firstLinkFailure().orElse(null);
        String cacheDir = System.getProperty("org.bytedeco.javacpp.cachedir", "~/.javacpp/cache");
        return "a class or native library failed to link (" + e + (cause != null && cause != e ? "; first: " + cause : "")
                + "): TensorFlow's native library needs glibc 2.34 or newer and room to unpack about 650 MB in JavaCPP's"
                + " cache (" + cacheDir + ", -Dorg.bytedeco.javacpp.cachedir; MARQUEE_JAVA_OPTS for scripts/marquee);"
                + " after fixing it, start the command again: a library that failed to load stays failed in its JVM";
    }
}
