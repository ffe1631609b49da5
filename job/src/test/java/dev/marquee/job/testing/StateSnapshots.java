package dev.marquee.job.testing;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.util.OperatorSnapshotUtil;

/**
 * Operator snapshots written by earlier code, kept as test resources, so that a change to a state class that a
 * savepoint of a running job could not restore (a class moved or renamed, a field renamed, a type changed) fails a
 * test instead of the upgrade. The join's, the drift window's and the trigger's tests restore theirs and compare the
 * state that came back, field by field, with what today's code saves in the same scenario.
 *
 * <p>Each test also writes this code's snapshot ({@code *-current.snapshot}) to a file and restores it from there.
 * To keep the snapshots of a release: {@code mvn -pl job test
 * -Dtest='JoinStateSnapshotTest,DriftWindowOperatorTest,RetrainTriggerFunctionTest' -Dmarquee.write-state-snapshots=DIR},
 * then copy DIR's files beside the older ones in {@code job/src/test/resources/dev/marquee/job/<package>/}, renamed
 * with the commit, and add a test for each (docs/TESTING.md).
 */
public final class StateSnapshots {
    /** The system property naming the folder this code's snapshots are written to; a temporary one without it. */
    public static final String WRITE = "marquee.write-state-snapshots";

    private StateSnapshots() {}

    /** The snapshot {@code name}, a resource beside {@code test}'s class. */
    public static OperatorSubtaskState read(Class<?> test, String name) throws Exception {
        URL url = test.getResource(name);
        if (url == null) throw new IllegalStateException("no snapshot " + name + " beside " + test.getName());
        return OperatorSnapshotUtil.readStateHandle(path(url).toString());
    }

    /** Writes {@code snapshot} as {@code name} into the folder {@link #WRITE} names, else into {@code temporary}. */
    public static Path write(OperatorSubtaskState snapshot, String name, Path temporary) throws Exception {
        String chosen = System.getProperty(WRITE);
        Path dir = Files.createDirectories(chosen == null || chosen.isBlank() ? temporary : Path.of(chosen));
        Path file = dir.resolve(name);
        OperatorSnapshotUtil.writeStateHandle(snapshot, file.toString());
        return file;
    }

    /** The snapshot in {@code file}. */
    public static OperatorSubtaskState read(Path file) throws Exception {
        return OperatorSnapshotUtil.readStateHandle(file.toString());
    }

    private static Path path(URL url) throws URISyntaxException {
        return Path.of(url.toURI());
    }
}
