package com.shopintent.scoring.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ReadPredictionTest {

    private static ReadPrediction read(String json) {
        return ReadPrediction.of(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void shouldReadTheEventAndTheTimeItWasScored() {
        ReadPrediction p = read("{\"shopId\":\"shop-1\",\"features\":{\"eventId\":\"not-this\",\"pageValues\":[1.5,{\"a\":2}]},"
                + "\"eventId\":\"s1-3\",\"scoredAt\":\"2026-12-01T16:30:00.123Z\",\"purchaseProbability\":0.42,\"explained\":null}");
        assertThat(p.eventId()).isEqualTo("s1-3");
        assertThat(p.scoredAtMillis()).isEqualTo(Instant.parse("2026-12-01T16:30:00.123Z").toEpochMilli());
    }

    @Test
    void shouldKeepTheEventWhenTheScoreTimeIsMissingOrUnreadable() {
        assertThat(read("{\"eventId\":\"s1-3\"}")).isEqualTo(new ReadPrediction("s1-3", ReadPrediction.UNKNOWN));
        assertThat(read("{\"eventId\":\"s1-3\",\"scoredAt\":\"yesterday\"}").scoredAtMillis()).isEqualTo(ReadPrediction.UNKNOWN);
    }

    @Test
    void shouldAnswerNoEventForWhatIsNotAPrediction() {
        assertThat(read("not json")).isEqualTo(new ReadPrediction("", ReadPrediction.UNKNOWN));
        assertThat(read("[1,2]").eventId()).isEmpty();
        assertThat(read("\"s1-3\"").eventId()).isEmpty();
        assertThat(read("{\"scoredAt\":\"2026-12-01T16:30:00.123Z\"}")).isEqualTo(new ReadPrediction("", ReadPrediction.UNKNOWN));
        assertThat(ReadPrediction.of(null).eventId()).isEmpty();
    }
}
