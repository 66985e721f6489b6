package com.shopintent.scoring.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CapacityPlanTest {

    @Test
    void shouldSizeTheCustomersTargetWithHeadroomAndRoomToGrow() {
        // 10,000 ev/s x 1.3 = 13,000 ev/s; at 4,000 ev/s an instance: 3.25, so 4 instances; x 2 = 8 -> 12 partitions.
        CapacityPlan plan = new CapacityPlan(10_000, 4_000, 0.3, 2, 10);

        assertThat(plan.instances()).isEqualTo(4);
        assertThat(plan.partitions()).isEqualTo(12);
        assertThat(plan.lagThreshold()).isEqualTo(40_000);
        assertThat(plan.explain()).anySatisfy(line -> assertThat(line).contains("= 4")).anySatisfy(line -> assertThat(line).contains("maxReplicaCount: 12"));
    }

    @Test
    void shouldKeepTwoInstancesAndSixPartitionsAtTheLeast() {
        CapacityPlan plan = new CapacityPlan(100, 50_000, 0, 1, 5);

        assertThat(plan.instances()).isEqualTo(2);
        assertThat(plan.partitions()).isEqualTo(6);
        assertThat(plan.partitions()).as("never fewer partitions than instances").isGreaterThanOrEqualTo(plan.instances());
    }

    @Test
    void shouldRefuseRatesThatAreNotPositiveAndOddShares() {
        assertThatThrownBy(() -> new CapacityPlan(0, 1000, 0.3, 2, 10)).hasMessageContaining("positive");
        assertThatThrownBy(() -> new CapacityPlan(1000, -1, 0.3, 2, 10)).hasMessageContaining("positive");
        assertThatThrownBy(() -> new CapacityPlan(1000, 1000, 30, 2, 10)).hasMessageContaining("headroom");
        assertThatThrownBy(() -> new CapacityPlan(1000, 1000, 0.3, 0, 10)).hasMessageContaining("growth");
    }
}
