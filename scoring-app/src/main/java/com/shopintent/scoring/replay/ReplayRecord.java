package com.shopintent.scoring.replay;

/** One record to produce: topic, string key and JSON value. */
public record ReplayRecord(String topic, String key, byte[] value) {
}
