package dev.marquee.model.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.marquee.model.cli.CliException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The trainer's lock between separate processes: a second trainer is refused, and a killed one leaves no stale lock. */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TrainerLockTest {
    @TempDir Path modelDir;

    @Test
    void aTrainerInAnotherProcessHoldsTheModelUntilItIsKilled() throws Exception {
        Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), LockHolderMain.class.getName(), modelDir.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            while (line != null && !line.equals(LockHolderMain.HOLDING)) line = out.readLine(); // a JVM notice first, say
            assertThat(line).as("the other process took the lock").isEqualTo(LockHolderMain.HOLDING);

            assertThatThrownBy(() -> TrainerLock.acquire(modelDir, "model marquee"))
                    .isInstanceOf(CliException.class)
                    .hasMessageContaining("another trainer is running on model marquee");

            holder.destroyForcibly();
            assertThat(holder.waitFor(60, TimeUnit.SECONDS)).as("the holder stopped").isTrue();
            // the kernel released the killed process's lock; the file it leaves behind does not block
            try (TrainerLock lock = TrainerLock.acquire(modelDir, "model marquee")) {
                assertThat(modelDir.resolve(TrainerLock.FILE_NAME)).exists();
            }
        } finally {
            holder.destroyForcibly();
        }
    }

    @Test
    void aLockReleasedInThisProcessCanBeTakenAgain() throws IOException {
        TrainerLock.acquire(modelDir, "model marquee").close();
        try (TrainerLock again = TrainerLock.acquire(modelDir, "model marquee")) {
            assertThatThrownBy(() -> TrainerLock.acquire(modelDir, "model marquee"))
                    .isInstanceOf(CliException.class)
                    .hasMessageContaining("one trainer per model");
        }
    }

    /** Takes the lock, says so, and holds it until killed. */
    public static final class LockHolderMain {
        static final String HOLDING = "holding";

        public static void main(String[] args) throws Exception {
            TrainerLock lock = TrainerLock.acquire(Path.of(args[0]), "model marquee");
            System.out.println(HOLDING);
            System.out.flush();
            Thread.currentThread().join();
            lock.close();
        }
    }
}
