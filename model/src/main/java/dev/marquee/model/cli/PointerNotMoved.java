package dev.marquee.model.cli;

/**
 * A version published whose serving pointer could not then be written (a full or read-only registry, its lock not
 * taken): the version exists, and the person is told so, with the command that finishes the job, instead of a bare
 * I/O error after the "published" line that reads as if the command failed as a whole.
 */
final class PointerNotMoved {
    private PointerNotMoved() {}

    /** The message goes out after the command's own prefix ("marquee train: "), so it names no command itself. */
    static CliException after(String name, long version, java.io.IOException cause) {
        return CliException.failure(name + " version " + version + " is published, but the serving"
                + " pointer was not written (" + cause.getMessage() + "): jobs keep serving what they served; once the"
                + " registry can be written, `marquee promote --version " + version + "` serves it, or `marquee rollback"
                + " --version " + version + "` pins it");
    }

    /** {@code import --serve} under a pin: the pointer names the version, the pin still names another. */
    static CliException pinNotMoved(String name, long version, long endedCandidate, java.io.IOException cause) {
        return CliException.failure(name + " version " + version + " is published and the serving pointer"
                + " names it, but the pin was not moved (" + cause.getMessage() + "): the pinned version keeps serving;"
                + " once the registry can be written, `marquee rollback --version " + version + "` pins it"
                + (endedCandidate > 0 ? "; version " + endedCandidate + ", the candidate in shadow, is ended and held from"
                        + " automatic promotion" : ""));
    }

    /** As {@link #after}, for an import meant to wait in shadow beside the serving version. */
    static CliException shadowNotSet(String name, long version, java.io.IOException cause) {
        return CliException.failure(name + " version " + version + " is published, but the serving pointer"
                + " was not written (" + cause.getMessage() + "): it is not a candidate in shadow; once the registry can"
                + " be written, `marquee promote --version " + version + "` serves it");
    }
}
