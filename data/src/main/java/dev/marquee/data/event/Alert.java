package dev.marquee.data.event;

/** One metric over its threshold, in a drift report or a retrain request. */
public class Alert {
    public String metric;
    public double value;
    public double threshold;
    /** For how many consecutive windows the metric has been over its threshold. */
    public int windows;

    public Alert() {}

    public Alert(String metric, double value, double threshold, int windows) {
        this.metric = metric;
        this.value = value;
        this.threshold = threshold;
        this.windows = windows;
    }

    @Override
    public String toString() {
        return metric + "=" + value + ">" + threshold + " x" + windows;
    }
}
