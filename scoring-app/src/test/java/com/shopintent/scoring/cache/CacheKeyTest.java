package com.shopintent.scoring.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class CacheKeyTest {

    @Test
    void shouldHashTheFloatBitsToTheDocumentedValueOnEveryJvm() {
        // xxHash64, seed 0, of the little-endian bytes 00 00 80 3f | 00 00 c0 7f (1.0f, NaN): a value
        // fixed here so that a change of hash, byte order or NaN handling fails the build instead
        // of silently emptying a shared Redis cache that several JVMs fill.
        assertThat(CacheKey.featureHash(new float[] {1.0f, Float.NaN})).isEqualTo(GOLDEN);
    }

    @Test
    void shouldTreatEveryNanAsTheSameMissingValue() {
        float otherNan = Float.intBitsToFloat(0x7fc00001);
        assertThat(CacheKey.featureHash(new float[] {1.0f, otherNan})).isEqualTo(CacheKey.featureHash(new float[] {1.0f, Float.NaN}));
    }

    @Test
    void shouldGiveDifferentHashesToInputsOneUlpApart() {
        float x = 512.25f;
        assertThat(CacheKey.featureHash(new float[] {x})).isNotEqualTo(CacheKey.featureHash(new float[] {Math.nextUp(x)}));
    }

    @Test
    void shouldNameVersionHashAndHourBucketOfTheEventTime() {
        long eventTime = Instant.parse("2026-11-29T13:59:59.999Z").toEpochMilli();

        String key = CacheKey.of("xgb-3f9a0c2b71de", 0x00ab_cdefL, CacheKey.hourBucket(eventTime));

        assertThat(key).isEqualTo("ml_pred:xgb-3f9a0c2b71de:0000000000abcdef:" + eventTime / 3_600_000L);
        assertThat(CacheKey.hourBucket(eventTime + 1)).isEqualTo(CacheKey.hourBucket(eventTime) + 1);
        assertThat(CacheKey.hourBucket(-1)).isEqualTo(-1);
    }

    /** Also what an independent implementation of the xxHash64 specification gives for these bytes. */
    private static final long GOLDEN = 0x491d1e01767e2b71L;
}
