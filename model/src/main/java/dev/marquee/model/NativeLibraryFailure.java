package dev.marquee.model;

/**
 * What to tell a user whose process could not link a class or TensorFlow's native library: most often JavaCPP could
 * not unpack it (a full disk, a read-only cache folder) or the host's glibc is too old; else the build's classes do
 * not match one another. The JVM keeps the failure: nothing works until the process is started again.
 */
public final class NativeLibraryFailure {
    private NativeLibraryFailure() {}

    public static String describe(LinkageError e) {
        if (e instanceof TensorFlowHost.UnsupportedHostError) return "TensorFlow cannot run here: " + e.getMessage();
        Throwable cause = e.getCause() != null ? e.getCause() : GpuProbe.firstLinkFailure().orElse(null);
        String said = e + (cause != null && cause != e ? "; first: " + cause : "");
        if (!nativeLibrary(e)) {
            return "a class failed to link (" + said + "): this build's classes or jars do not match one another;"
                    + " build again (mvn install) and start the command again";
        }
        return "TensorFlow's native library does not load (" + said + "): it needs glibc 2.34 or newer and room to"
                + " unpack about 650 MB in JavaCPP's cache (" + cacheDir() + ", -Dorg.bytedeco.javacpp.cachedir;"
                + " MARQUEE_JAVA_OPTS for scripts/marquee); after fixing it, start the command again: a library that"
                + " failed to load stays failed in its JVM";
    }

    /**
     * A native library's failure, or a TensorFlow or JavaCPP class that could not initialise (the JVM's answer once
     * its native library failed); not a class that is missing (a jar gone) or does not match (a stale build).
     */
    public static boolean nativeLibrary(LinkageError e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof UnsatisfiedLinkError) return true;
            String m = String.valueOf(t.getMessage());
            if (t instanceof LinkageError && (m.startsWith("Could not initialize class org.tensorflow")
                    || m.startsWith("Could not initialize class org.bytedeco"))) {
                return true;
            }
        }
        return false;
    }

    /** The folder JavaCPP unpacks to: either spelling of its property, else its default. */
    public static String cacheDir() {
        String dir = System.getProperty("org.bytedeco.javacpp.cachedir");
        if (dir == null) dir = System.getProperty("org.bytedeco.javacpp.cacheDir");
        return dir != null ? dir : "~/.javacpp/cache";
    }
}
