package dev.marquee.data.dashboard;

/**
 * What the Kafka reader is doing, for {@code /health} and the page's footer.
 *
 * @param state     {@code connecting}, {@code waiting for topic}, {@code reading}, {@code not authorized}, {@code sign-in
 *                  refused} (the brokers refuse the dashboard's principal) or {@code stopped}
 * @param read      records taken from the topic, well-formed or not
 * @param skipped   records that were not a readable drift report (malformed JSON, empty values)
 * @param lastError the last Kafka or decoding problem, or null
 * @param otherModel reports of another model than {@code --model-name} (several models' jobs sharing the topic)
 * @param otherModelName one such model's name, or null
 */
record ReaderStatus(String state, long read, long skipped, String lastError, long otherModel, String otherModelName) {
    ReaderStatus(String state, long read, long skipped, String lastError) {
        this(state, read, skipped, lastError, 0, null);
    }
}
