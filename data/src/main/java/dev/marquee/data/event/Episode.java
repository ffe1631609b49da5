package dev.marquee.data.event;

import java.util.ArrayList;
import java.util.List;

/**
 * A drift episode as one report sees it: opened by the first drifted report, closed after a set number of quiet
 * windows (no metric over its threshold). A report carries it while the episode is open and in the report that
 * closes it; {@link #event} marks the reports that open and close it, so one episode is one alarm.
 */
public class Episode {
    public static final String OPENED = "opened";
    public static final String CLOSED = "closed";

    /** The sequence number of the report that opened it. */
    public long id;
    /** {@value #OPENED}, {@value #CLOSED}, or null in between. */
    public String event;
    /** True until the report that closes it. */
    public boolean open;
    public long openedAtMs;
    /** Reports since it opened, this one included. */
    public int windows;
    /** The metrics over their threshold in this report, most moved first (value / threshold). */
    public List<Mover> movers = new ArrayList<>();
    /** The titles whose share of the window grew most against the reference. */
    public List<CategoryShift> titlesGrown = new ArrayList<>();

    public Episode() {}

    /** One metric over its threshold: by how much. */
    public static class Mover {
        public String feature;
        public String metric;
        public double value;
        public double threshold;
        /** value / threshold; the largest finite double for a threshold of 0 (JSON has no infinity). */
        public double ratio;

        public Mover() {}

        public Mover(String metric, double value, double threshold) {
            this.feature = metric.contains(".") ? metric.substring(0, metric.indexOf('.')) : metric;
            this.metric = metric;
            this.value = value;
            this.threshold = threshold;
            this.ratio = threshold > 0 ? value / threshold : Double.MAX_VALUE;
        }
    }

    /** One category's share in the window against its share in the reference (0 outside the reference's top K). */
    public static class CategoryShift {
        public String value;
        public double share;
        public double referenceShare;

        public CategoryShift() {}

        public CategoryShift(String value, double share, double referenceShare) {
            this.value = value;
            this.share = share;
            this.referenceShare = referenceShare;
        }
    }
}
