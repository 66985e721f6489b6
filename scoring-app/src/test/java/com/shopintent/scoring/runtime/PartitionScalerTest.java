package com.shopintent.scoring.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class PartitionScalerTest {

    @Test
    void shouldNameTheNextGenerationWithAGenerationNumber() {
        assertThat(PartitionScaler.nextApplicationId("shop-intent-scoring")).isEqualTo("shop-intent-scoring-g2");
        assertThat(PartitionScaler.nextApplicationId("shop-intent-scoring-g2")).isEqualTo("shop-intent-scoring-g3");
        assertThat(PartitionScaler.nextApplicationId("shop-intent-scoring-g9")).isEqualTo("shop-intent-scoring-g10");
    }

    @Test
    void shouldCountAnInstanceOnceWhateverItsStreamThreads() {
        // As Kafka Streams names the members of one instance with two stream threads.
        assertThat(PartitionScaler.instanceOf(Optional.of("scoring-0-1"), "shop-intent-scoring-1f0e-StreamThread-1-consumer"))
                .isEqualTo(PartitionScaler.instanceOf(Optional.of("scoring-0-2"), "shop-intent-scoring-1f0e-StreamThread-2-consumer"))
                .isEqualTo("scoring-0");
        assertThat(PartitionScaler.instanceOf(Optional.empty(), "shop-intent-scoring-1f0e-StreamThread-12-consumer"))
                .isEqualTo("shop-intent-scoring-1f0e");
        assertThat(PartitionScaler.instanceOf(Optional.empty(), "some-other-consumer")).isEqualTo("some-other-consumer");
    }

    @Test
    void shouldNotTakeAnIdThatOnlyEndsLikeAGenerationForOne() {
        assertThat(PartitionScaler.nextApplicationId("scoring-gold")).isEqualTo("scoring-gold-g2");
        assertThat(PartitionScaler.nextApplicationId("-g2")).isEqualTo("-g2-g2");
    }
}
