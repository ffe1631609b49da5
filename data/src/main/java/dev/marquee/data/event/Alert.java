package dev.marquee.data.event;

/** One metric over its threshold, in a drift report or a retrain request. */
public class Alert {
    public String metric;
    public double value;
    public double threshold;

    public Alert() {}

    public Alert(String metric, double value, double threshold) {
        this.metric = metric;
        this.value = value;
        this.threshold = threshold;
    }
}
