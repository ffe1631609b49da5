package dev.marquee.data.dashboard;

/**
 * What the Kafka reader is doing, for {@code /health} and the page's footer.
 *
 * @param state     {@code connecting}, {@code waiting for topic}, {@code reading} or {@code stopped}
 * @param read      records taken from the topic, well-formed or not
 * @param skipped   records that were not a readable drift report (malformed JSON, empty values)
 * @param lastError the last Kafka or decoding problem, or null
 */
record ReaderStatus(String state, long read, long skipped, String lastError) {}
