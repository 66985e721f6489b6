package com.shopintent.scoring.replay;

import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * One record to produce: topic, string key and JSON value; for an event also its event time
 * (nanoseconds since the epoch), so a generator can schedule it without parsing it.
 */
public record ReplayRecord(String topic, String key, byte[] value, long timeNanos) {

    /** This record as a producer sends it. */
    public ProducerRecord<String, byte[]> producerRecord() {
        return new ProducerRecord<>(topic, key, value);
    }
}
