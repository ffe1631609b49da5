package dev.marquee.job.drift;

import dev.marquee.data.drift.*;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The drift window operator's checkpointed state: the open window's counts, alert streaks, rolling event time and episode. */
public class DriftWindowState {
    public long windowStartMs;
    public long sequence;
    /** When the reports' numbering started (a start without state); 0 in state written before session 21. */
    public long runStartedAtMs;
    /**
     * The Flink job that wrote this state: a failover restores it into the same job (the numbering goes on, and the
     * reports written after the checkpoint come again under their numbers), a restore into another job (from a
     * savepoint, an upgrade, a rollback) starts a new numbering. Null in state written before it was kept.
     */
    public String jobId;
    /** The parse stage's counts (version -1) and each model version's prediction counts. */
    public List<DriftCounts> counts = new ArrayList<>();
    public Map<String, Integer> streaks = new HashMap<>();
    /** The model version the streaks were counted for. */
    public long streakModelVersion = -1;
    /** The stream's last 28 days of event time (seasonal metrics). */
    public RollingEventHours rolling = new RollingEventHours();
    /** The open drift episode, if any. */
    public EpisodeTracker episode = new EpisodeTracker();

    /**
     * The last window ended empty (no traffic since): a restore in the same job then follows a pause, not a backlog
     * read again at once, and its first report does not say it follows a failover. False in state from before.
     */
    public boolean idle;

    public DriftWindowState() {}
}
