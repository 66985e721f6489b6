package com.shopintent.scoring.loadgen;

import com.fasterxml.jackson.databind.ObjectReader;
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

    /**
     * The two fields, bound without building the rest: a tree of the whole prediction (its numbers
     * as BigDecimal, as {@link Json#MAPPER} reads floats) was an eighth of the load generator's CPU,
     * which shares the cores with the pipeline it measures.
     */
    private record Fields(String eventId, String scoredAt) {
    }

    private static final ObjectReader FIELDS = Json.MAPPER.readerFor(Fields.class);

    static ReadPrediction of(byte[] value) {
        if (value == null) {
            return new ReadPrediction("", UNKNOWN);
        }
        Fields fields;
        try {
            fields = FIELDS.readValue(value);
        } catch (IOException e) {
            return new ReadPrediction("", UNKNOWN);
        }
        if (fields == null || fields.eventId() == null) {
            return new ReadPrediction("", UNKNOWN);
        }
        return new ReadPrediction(fields.eventId(), scoredAt(fields.scoredAt()));
    }

    private static long scoredAt(String text) {
        if (text == null) {
            return UNKNOWN;
        }
        try {
            return Instant.parse(text).toEpochMilli();
        } catch (DateTimeParseException e) {
            return UNKNOWN;
        }
    }
}
