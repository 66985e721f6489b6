package com.shopintent.scoring.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class InstantTextTest {

    @Test
    void shouldWriteWhatInstantWritesForRandomInstantsOfEveryPrecision() {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 200_000; i++) {
            long second = random.nextLong(-62_167_219_200L, 253_402_300_800L);
            int nano = switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1_000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1_000;
                default -> random.nextInt(1_000_000_000);
            };
            assertThat(InstantText.format(second, nano)).isEqualTo(Instant.ofEpochSecond(second, nano).toString());
        }
    }

    @Test
    void shouldWriteTheEdgesOfTheFourDigitYearsAndBeyondThemAsInstantDoes() {
        for (String text : new String[] {"0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z", "1970-01-01T00:00:00Z",
                "1969-12-31T23:59:59.999Z", "2024-02-29T12:00:00.000001Z", "+10000-01-01T00:00:00Z", "-0001-12-31T23:59:59Z"}) {
            Instant instant = Instant.parse(text);
            assertThat(InstantText.format(instant.getEpochSecond(), instant.getNano())).isEqualTo(instant.toString());
        }
    }

    @Test
    void shouldTakeEpochNanosAndMillisAsInstantDoes() {
        for (long value : new long[] {0, 1, -1, 1_764_605_400_123_456_789L, -86_400_000_000_001L}) {
            assertThat(InstantText.ofEpochNanos(value)).isEqualTo(Instant.ofEpochSecond(0, value).toString());
        }
        for (long value : new long[] {0, 1, -1, 1_764_605_400_123L, -86_400_001L}) {
            assertThat(InstantText.ofEpochMillis(value)).isEqualTo(Instant.ofEpochMilli(value).toString());
        }
    }
}
