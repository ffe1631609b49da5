package dev.marquee.model.trainer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.regex.Pattern;

/**
 * Keeps every path the trainer derives from an event inside the registry base. A request id becomes a folder
 * name (rejected candidates), and a location it writes into a model update must be a registry folder: both
 * are checked after normalising and resolving symbolic links, so neither {@code ../..} nor a link placed in
 * the registry can lead outside it.
 */
public final class RegistryPaths {
    private static final Pattern UNSAFE = Pattern.compile("[^A-Za-z0-9._-]");
    private static final int MAX_COMPONENT = 100;

    private RegistryPaths() {}

    /**
     * {@code path} with symbolic links resolved, when it is {@code base} or lies under it (it need not exist
     * yet: the longest existing prefix is resolved and the rest appended).
     *
     * @throws OutsideRegistryException when it resolves outside {@code base}, or through a dangling link
     */
    public static Path requireInside(Path base, Path path) throws IOException {
        Path realBase = base.toAbsolutePath().normalize().toRealPath();
        Path resolved = resolveExistingPrefix(path.toAbsolutePath().normalize());
        if (!resolved.startsWith(realBase)) {
            throw new OutsideRegistryException("refusing " + path + ": it resolves to " + resolved
                    + ", outside the registry " + realBase);
        }
        return resolved;
    }

    /**
     * A single, harmless folder name for an id taken from an event: characters other than letters, digits,
     * '.', '_' and '-' become '_', it is cut to {@value #MAX_COMPONENT} characters, and names made only of dots
     * (or empty) become "_" + the name.
     */
    public static String safeComponent(String id) {
        String s = id == null ? "" : UNSAFE.matcher(id).replaceAll("_");
        if (s.length() > MAX_COMPONENT) {
            s = s.substring(0, MAX_COMPONENT);
        }
        if (s.isEmpty() || s.chars().allMatch(c -> c == '.')) {
            s = "_" + s;
        }
        return s;
    }

    private static Path resolveExistingPrefix(Path absolute) throws IOException {
        Deque<Path> missing = new ArrayDeque<>();
        Path existing = absolute;
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            missing.push(existing.getFileName());
            existing = existing.getParent();
        }
        if (existing == null) {
            throw new OutsideRegistryException("refusing " + absolute + ": none of it exists");
        }
        Path real;
        try {
            real = existing.toRealPath(); // follows links; a dangling one fails here
        } catch (IOException e) {
            throw new OutsideRegistryException("refusing " + absolute + ": " + existing + " cannot be resolved ("
                    + e.getClass().getSimpleName() + ")");
        }
        while (!missing.isEmpty()) {
            real = real.resolve(missing.pop());
        }
        return real.normalize();
    }

    /** A path that would lead outside the registry. */
    public static final class OutsideRegistryException extends IOException {
        private static final long serialVersionUID = 1L;

        public OutsideRegistryException(String message) {
            super(message);
        }
    }
}
