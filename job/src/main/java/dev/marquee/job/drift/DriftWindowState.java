package dev.marquee.job.drift;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The drift window operator's checkpointed state: the open window's counts and the alert streaks. */
public class DriftWindowState {
    public long windowStartMs;
    public long sequence;
    /** The parse stage's counts (version -1) and each model version's prediction counts. */
    public List<DriftCounts> counts = new ArrayList<>();
    public Map<String, Integer> streaks = new HashMap<>();
    /** The model version the streaks were counted for. */
    public long streakModelVersion = -1;

    public DriftWindowState() {}
}
