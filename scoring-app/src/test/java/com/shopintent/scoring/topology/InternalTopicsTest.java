package com.shopintent.scoring.topology;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class InternalTopicsTest {

    @Test
    void shouldNameEveryRepartitionTopicAndChangelogOfAnApplicationId() {
        assertThat(ScoringTopology.internalTopics("scoring-g2")).containsExactly(
                "scoring-g2-events-by-session-repartition",
                "scoring-g2-insights-until-window-closes-store-changelog",
                "scoring-g2-predictions-by-shop-repartition",
                "scoring-g2-sessions-changelog",
                "scoring-g2-shop-insights-changelog");
    }

    @Test
    void shouldNameTheRepartitionTopicOfKeylessEventsAmongTheInternalTopics() {
        assertThat(ScoringTopology.internalTopics("scoring")).contains(ScoringTopology.keylessEventsTopic("scoring"));
    }
}
