package com.shopintent.scoring.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PredictedIdsTest {

    @Test
    void shouldCountEveryPredictionAfterTheFirstOfTheSameEvent() {
        PredictedIds ids = new PredictedIds();
        for (String id : new String[] {"s1-0", "s1-1", "s1-0", "s2-0", "s1-1", "s1-0"}) {
            ids.add(id);
        }
        assertThat(ids.duplicates()).isEqualTo(3);
    }

    @Test
    void shouldKeepCountingPastItsFirstArray() {
        PredictedIds ids = new PredictedIds();
        for (int i = 0; i < 200_000; i++) {
            ids.add("s" + i + "-0");
        }
        assertThat(ids.duplicates()).isZero();
        ids.add("s123456-0");
        ids.add("s0-0");
        assertThat(ids.duplicates()).isEqualTo(2);
    }
}
