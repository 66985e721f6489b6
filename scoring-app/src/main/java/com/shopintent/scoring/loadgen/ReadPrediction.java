package com.shopintent.scoring.loadgen;

import com.fasterxml.jackson.databind.JsonNode;
import com.shopintent.scoring.events.Json;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * What the load generator needs of a prediction it reads back: the event it answers and when the
 * pipeline scored it. A prediction it cannot read counts as one for no event it sent (the event
 * stays missing), never as an error of the run.
 *
 * @param scoredAtMillis the prediction's {@code scoredAt} in epoch milliseconds, or {@link #UNKNOWN}
 */
record ReadPrediction(String eventId, long scoredAtMillis) {

    static final long UNKNOWN = Long.MIN_VALUE;

    static ReadPrediction of(byte[] value) {
        if (value == null) {
            return new ReadPrediction("", UNKNOWN);
        }
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(value);
        } catch (IOException e) {
            return new ReadPrediction("", UNKNOWN);
        }
        if (node == null || !node.isObject()) {
            return new ReadPrediction("", UNKNOWN);
        }
        return new ReadPrediction(node.path("eventId").asText(""), scoredAt(node.path("scoredAt").asText("")));
    }

    private static long scoredAt(String text) {
        try {
            return Instant.parse(text).toEpochMilli();
        } catch (DateTimeParseException e) {
            return UNKNOWN;
        }
    }
}
