package dev.marquee.model;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;

/**
 * Registry writes that survive a crash of the machine, not only of the process: the content is written aside,
 * flushed to disk (file and folder), renamed into place in one step, and the rename itself flushed (the parent
 * folder). Without the flushes a power loss after the rename can leave the new name on an empty or partial file.
 * Everything written is readable by all: scoring jobs and TF Serving may run as another user.
 */
public final class DurableFiles {
    @FunctionalInterface
    public interface Content {
        void write(Path file) throws IOException;
    }

    private DurableFiles() {}

    /** Replaces {@code target} with what {@code content} writes, in one step; a temp file beside it until then. */
    public static void replace(Path target, Content content) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Path temp = Files.createTempFile(dir, ModelRegistry.TEMP_PREFIX, ".tmp");
        try {
            content.write(temp);
            readableByAll(temp);
            sync(temp);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            sync(dir);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Moves a finished folder {@code from} to {@code to} in one step, its whole tree flushed before and the rename after. */
    public static void moveTree(Path from, Path to) throws IOException {
        syncTree(from);
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        sync(to.toAbsolutePath().getParent());
    }

    /** Flushes every file and folder under {@code root} (deepest first), and {@code root}. */
    public static void syncTree(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) sync(p);
        }
    }

    /** Flushes a file's content, or a folder's entries, to disk. */
    public static void sync(Path path) throws IOException {
        boolean dir = Files.isDirectory(path);
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            if (!dir) throw e;
            // some platforms cannot open a folder to flush it; the rename is then as durable as they make it
        }
    }

    /**
     * Adds read and enter permission for group and others to a folder, keeping what it has (a registry folder may be
     * group-writable on purpose); a folder this user does not own is left as it is (its owner made it).
     */
    public static void enterableByAll(Path dir) throws IOException {
        addModeBits(dir, 0555);
    }

    /**
     * Adds read permission for all to every file under {@code root}, and read and enter permission to every folder,
     * {@code root} included, keeping every other bit (a group's write, setgid); links left alone. Best effort: a file
     * of another user (a candidate another user's run deferred) is left as its owner made it.
     */
    public static void readableByAllTree(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.toList()) {
                if (!Files.isSymbolicLink(p)) addModeBits(p, Files.isDirectory(p) ? 0555 : 0444);
            }
        }
    }

    /**
     * Creates {@code file}, empty, readable by all and writable by its group, in one step where the file system has
     * hard links (a file made and then chmodded would keep the umask's mode for good if the process died between the
     * two); nothing when it exists.
     */
    public static void createGroupWritableFile(Path file) throws IOException {
        if (Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return;
        boolean posix = Files.getFileAttributeView(file.getParent(), PosixFileAttributeView.class) != null;
        if (posix) {
            Path temp = Files.createTempFile(file.getParent(), ".tmp-" + file.getFileName(), "");
            try {
                Files.setPosixFilePermissions(temp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw-r--"));
                Files.createLink(file, temp);
                return;
            } catch (java.nio.file.FileAlreadyExistsException another) {
                return; // another process was first
            } catch (UnsupportedOperationException | java.nio.file.FileSystemException noHardLinks) {
                // below: created, then opened up
            } finally {
                Files.deleteIfExists(temp);
            }
        }
        try {
            Files.createFile(file);
        } catch (java.nio.file.FileAlreadyExistsException another) {
            return;
        }
        if (posix) Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw-r--"));
    }

    /** Whether {@code dir}'s group may write it (false where the file system has no POSIX modes). */
    public static boolean groupWritable(Path dir) throws IOException {
        if (Files.getFileAttributeView(dir, PosixFileAttributeView.class) == null) return false;
        return Files.getPosixFilePermissions(dir).contains(java.nio.file.attribute.PosixFilePermission.GROUP_WRITE);
    }

    /**
     * Adds the group's write permission to every folder under {@code root}, {@code root} included: in a registry
     * its group shares (the trainer and operators as different users), another member's retention must be able to
     * delete a version this user published, and deleting takes write permission on each folder in it.
     */
    public static void groupWritableFoldersTree(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.toList()) {
                if (!Files.isSymbolicLink(p) && Files.isDirectory(p)) addModeBits(p, 0070);
            }
        }
    }

    /** chmod to the current mode plus {@code bits} (special bits such as setgid kept); nothing where it cannot. */
    private static void addModeBits(Path path, int bits) throws IOException {
        if (Files.getFileAttributeView(path, PosixFileAttributeView.class) == null) return;
        int mode;
        try {
            mode = (Integer) Files.getAttribute(path, "unix:mode");
        } catch (UnsupportedOperationException | IllegalArgumentException noUnixView) {
            return;
        }
        if ((mode & bits) == bits) return;
        try {
            Files.setAttribute(path, "unix:mode", (mode & 07777) | bits);
        } catch (java.nio.file.FileSystemException e) {
            if (ownedByThisUser(path)) throw e; // an I/O error on one's own file is one: the publish is undone
            // another user's (a candidate another user's run deferred): theirs to open up
        }
    }

    /** By uid (a uid without a passwd entry, as containers run, has no user name to look up); false when unknown. */
    static boolean ownedByThisUser(Path path) {
        try {
            return Files.getAttribute(path, "unix:uid").equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | RuntimeException unknown) {
            return false;
        }
    }

    public static void readableByAll(Path path) throws IOException {
        if (Files.getFileAttributeView(path, PosixFileAttributeView.class) != null) {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(
                    Files.isDirectory(path) ? "rwxr-xr-x" : "rw-r--r--"));
        }
    }
}
