package dev.marquee.job.score;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/** Waiting for work another thread does for this one too (a shared model load, shared title embeddings). */
public final class SharedWork {
    private SharedWork() {}

    /**
     * The work's result, or its failure as the caller's own: an {@link IOException} (wrapped, so the stack shows
     * this caller too), or the unchecked exception or error itself.
     *
     * @param interruptedWhile what the caller was waiting for, for the message of an interruption
     */
    public static <T> T await(CompletableFuture<T> work, String interruptedWhile) throws IOException {
        try {
            return work.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while " + interruptedWhile);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) throw new IOException(io.getMessage(), io);
            if (cause instanceof RuntimeException re) throw re;
            if (cause instanceof Error err) throw err;
            throw new IOException(cause);
        }
    }
}
