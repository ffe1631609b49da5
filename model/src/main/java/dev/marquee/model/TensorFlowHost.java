package dev.marquee.model;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What TensorFlow's native library (tensorflow-java 1.1, TensorFlow 2.18, built for linux-x86_64 only: pom.xml's
 * {@code javacpp.platform}) needs of the host and does not refuse in words: on another OS or CPU architecture the
 * library is not in the build, and JavaCPP's error names neither; on an x86-64 CPU without AVX TensorFlow's own check
 * aborts the whole JVM (SIGABRT, an hs_err file) at the first load. Checked before every load, answered once per JVM.
 */
public final class TensorFlowHost {
    private static final Path CPUINFO = Path.of("/proc/cpuinfo");
    private static volatile Optional<String> refusal;

    private TensorFlowHost() {}

    /** @throws UnsupportedHostError when TensorFlow cannot run in this JVM, saying why */
    public static void check() {
        Optional<String> said = refusal;
        if (said == null) {
            said = Optional.ofNullable(refusal(System.getProperty("os.name"), System.getProperty("os.arch"), cpuFlags(CPUINFO)));
            refusal = said;
        }
        if (said.isPresent()) throw new UnsupportedHostError(said.get());
    }

    /** Why TensorFlow cannot run on this OS, architecture and CPU ({@code flags} empty: not known), else null. */
    static String refusal(String os, String arch, Optional<Set<String>> flags) {
        boolean linux = os != null && os.toLowerCase(Locale.ROOT).startsWith("linux");
        boolean x86 = "amd64".equals(arch) || "x86_64".equals(arch);
        if (!linux || !x86) {
            return "this JVM runs on " + os + " " + arch + ", and marquee's build carries TensorFlow's native library for"
                    + " linux-x86_64 only: run it on Linux on x86-64 (a container image built for linux/amd64 included)";
        }
        if (flags.isPresent() && !flags.get().contains("avx")) {
            return "this CPU has no AVX, which TensorFlow's x86-64 build needs (it would abort the JVM at the first model"
                    + " load); a virtual machine's CPU model may hide it (QEMU and Proxmox kvm64, qemu64 or x86-64-v2):"
                    + " give the VM the host's CPU model or x86-64-v3";
        }
        return null;
    }

    /** The first {@code flags} line of a Linux /proc/cpuinfo; empty when there is none to read. */
    static Optional<Set<String>> cpuFlags(List<String> cpuinfo) {
        for (String line : cpuinfo) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equals("flags")) {
                return Optional.of(Set.copyOf(List.of(line.substring(colon + 1).trim().split("\\s+"))));
            }
        }
        return Optional.empty();
    }

    private static Optional<Set<String>> cpuFlags(Path cpuinfo) {
        try {
            return cpuFlags(Files.readAllLines(cpuinfo, StandardCharsets.ISO_8859_1));
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // not Linux, or not readable (a sandbox): not known, so not refused
        }
    }

    /** TensorFlow cannot run in this JVM: a link failure of its own kind, handled where a native library's is. */
    public static final class UnsupportedHostError extends UnsatisfiedLinkError {
        public UnsupportedHostError(String message) {
            super(message);
        }
    }
}
