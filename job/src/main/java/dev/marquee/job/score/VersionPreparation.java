package dev.marquee.job.score;

import java.io.Serializable;

/**
 * Work a model version needs beside the scorer, done by each scoring slot on its loader thread once it has loaded
 * the version and before the version serves (at open, on the task thread, before the first record): for example
 * the online adaptation's title embeddings, which its task thread would otherwise compute when the version's
 * first prediction arrives. A failure is logged and costs its owner the work later, never the load.
 */
public interface VersionPreparation extends Serializable {
    void prepare(long version);
}
