package dev.marquee.job.trigger;

import org.apache.flink.api.java.functions.KeySelector;

/** Every input under one key (the model name): the policy is one state machine per model. */
final class ConstantKey implements KeySelector<TriggerEvent, String> {
    private static final long serialVersionUID = 1L;
    private final String key;

    ConstantKey(String key) {
        this.key = key;
    }

    @Override
    public String getKey(TriggerEvent event) {
        return key;
    }
}
