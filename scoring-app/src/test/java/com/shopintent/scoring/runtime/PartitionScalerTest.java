package com.shopintent.scoring.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PartitionScalerTest {

    @Test
    void shouldNameTheNextGenerationWithAGenerationNumber() {
        assertThat(PartitionScaler.nextApplicationId("shop-intent-scoring")).isEqualTo("shop-intent-scoring-g2");
        assertThat(PartitionScaler.nextApplicationId("shop-intent-scoring-g2")).isEqualTo("shop-intent-scoring-g3");
        assertThat(PartitionScaler.nextApplicationId("shop-intent-scoring-g9")).isEqualTo("shop-intent-scoring-g10");
    }

    @Test
    void shouldNotTakeAnIdThatOnlyEndsLikeAGenerationForOne() {
        assertThat(PartitionScaler.nextApplicationId("scoring-gold")).isEqualTo("scoring-gold-g2");
        assertThat(PartitionScaler.nextApplicationId("-g2")).isEqualTo("-g2-g2");
    }
}
