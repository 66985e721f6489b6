package com.shopintent.scoring.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.state.internals.WrappedStateStore;
import org.junit.jupiter.api.Test;

/**
 * The stores are built without Kafka Streams' record cache: at the 20 ms commit interval it spared a
 * tenth of the writes and cost more in GC pauses than that (docs/benchmarks.md). Kafka Streams wraps a
 * cached store in a caching layer; these tests look for it in each store's layers.
 */
class StoreCachingTest {

    @Test
    void shouldBuildTheSessionStoreWithoutARecordCache() {
        try (TopologyFixture fixture = new TopologyFixture()) {
            assertThat(layers(fixture.driver.getKeyValueStore(Stores.SESSIONS)))
                    .contains("ChangeLoggingKeyValueBytesStore")
                    .noneMatch(layer -> layer.startsWith("Caching"));
        }
    }

    @Test
    void shouldBuildTheInsightsWindowStoreWithoutARecordCache() {
        try (TopologyFixture fixture = new TopologyFixture()) {
            assertThat(layers(fixture.driver.getTimestampedWindowStore(Stores.INSIGHTS)))
                    .anyMatch(layer -> layer.startsWith("ChangeLogging"))
                    .noneMatch(layer -> layer.startsWith("Caching"));
        }
    }

    /** The class names of a store's layers, outermost first. */
    private static List<String> layers(StateStore store) {
        List<String> layers = new ArrayList<>();
        StateStore layer = store;
        while (layer instanceof WrappedStateStore<?, ?, ?> wrapped) {
            layers.add(layer.getClass().getSimpleName());
            layer = wrapped.wrapped();
        }
        layers.add(layer.getClass().getSimpleName());
        return layers;
    }
}
