package com.shopintent.scoring.topology;

import com.shopintent.scoring.cache.PredictionCache;
import com.shopintent.scoring.config.ScoringConfig;
import com.shopintent.scoring.events.EventParser;
import com.shopintent.scoring.features.SessionStateSerde;
import com.shopintent.scoring.metrics.ScoringMetrics;
import com.shopintent.scoring.model.ActiveModels;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Suppressed;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;

/**
 * The scoring topology: reads {@link Topics#EVENTS} and {@link Topics#PAGE_STATS}, writes
 * {@link Topics#PREDICTIONS}, {@link Topics#TRAINING_EXAMPLES}, {@link Topics#INSIGHTS} and
 * {@link Topics#EVENTS_DLQ}.
 * A pure builder: no I/O, the same graph for production and {@code TopologyTestDriver}.
 *
 * <pre>
 * shop.events ─► parse-events ─┬─ valid ─────────────────────────────┐
 *                              ├─ keyless ─► events-by-session ─► parse-rekeyed ─┤
 *                              └─ rejected ─► shop.events.dlq        ▼
 *                                   score-sessions (store: sessions; global: page-stats)
 *                                      ├─► shop.predictions ─► predictions-by-shop ─► 1-min windows ─► shop.insights
 *                                      ├─► shop.training-examples
 *                                      └─► shop.events.dlq
 * </pre>
 */
public final class ScoringTopology {

    /** Size of the per-shop insight windows, in event time. */
    public static final Duration INSIGHT_WINDOW = Duration.ofMinutes(1);

    private ScoringTopology() {
    }

    /**
     * @param cache shared by every task: one per application (see {@link PredictionCache#fromConfig}),
     *              or {@link PredictionCache#off()}
     */
    public static Topology build(ScoringConfig config, Supplier<ActiveModels> models, PredictionCache cache,
                                 ScoringMetrics metrics) {
        StreamsBuilder builder = new StreamsBuilder();
        EventParser parser = new EventParser(config.get(ScoringConfig.MAX_EVENT_BYTES));
        Duration maxAhead = config.get(ScoringConfig.MAX_EVENT_AHEAD);

        ScoringConfig.StoreType storeType = config.get(ScoringConfig.STATE_STORE);
        // Not cached by Kafka Streams: a read through its record cache walks a TreeMap of byte arrays
        // holding every page (docs/benchmarks.md); the lookup keeps parsed values of the pages in use.
        PageStatsLookup pageStats = new PageStatsLookup();
        builder.addGlobalStore(org.apache.kafka.streams.state.Stores.keyValueStoreBuilder(
                        store(storeType, Stores.PAGE_STATS), Serdes.String(), PageStatsSerde.serde()).withLoggingDisabled(),
                Topics.PAGE_STATS, Consumed.with(Serdes.String(), PageStatsSerde.serde()).withName("page-stats-source"),
                pageStats::updater);
        // Not cached by Kafka Streams: a session's events are seconds apart, so within a 20 ms commit
        // interval the cache spared one changelog write in ten, while its entries, kept for seconds,
        // were copied at every young GC and filled the old generation (docs/benchmarks.md).
        builder.addStateStore(org.apache.kafka.streams.state.Stores.keyValueStoreBuilder(
                store(storeType, Stores.SESSIONS), Serdes.String(), new SessionStateSerde()));

        KStream<byte[], byte[]> events = builder.stream(Topics.EVENTS,
                Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("events-source"));
        Map<String, KStream<String, ParseOutput>> parsed = split(
                events.process(() -> new EventParseProcessor(parser, maxAhead, metrics), Named.as("parse-events")), "parsed-");

        KStream<byte[], byte[]> rekeyed = parsed.get("parsed-rekey")
                .map((key, value) -> KeyValue.pair(Serdes.String().serializer().serialize(null, key),
                        ((ParseOutput.Rekey) value).rawValue()), Named.as("rekey-by-session"))
                .repartition(Repartitioned.with(Serdes.ByteArray(), Serdes.ByteArray()).withName(Stores.EVENTS_BY_SESSION));
        Map<String, KStream<String, ParseOutput>> reparsed = split(
                rekeyed.process(() -> new EventParseProcessor(parser, maxAhead, metrics), Named.as("parse-rekeyed")), "reparsed-");

        KStream<String, SessionOutput> sessionOutputs = parsed.get("parsed-valid")
                .merge(reparsed.get("reparsed-valid"), Named.as("valid-events"))
                .mapValues(value -> (ParseOutput.Parsed) value, Named.as("as-parsed"))
                .process(() -> new SessionScoringProcessor(models, cache, pageStats, config.get(ScoringConfig.SPECIAL_DAYS),
                        config.get(ScoringConfig.SESSION_TIMEOUT), config.get(ScoringConfig.EXPIRY_INTERVAL),
                        config.get(ScoringConfig.HIGH_INTENT_THRESHOLD), metrics),
                        Named.as("score-sessions"), Stores.SESSIONS);

        Map<String, KStream<String, SessionOutput>> outputs = sessionOutputs.split(Named.as("session-"))
                .branch((key, value) -> value instanceof SessionOutput.Prediction, Branched.as("prediction"))
                .branch((key, value) -> value instanceof SessionOutput.TrainingExample, Branched.as("example"))
                .defaultBranch(Branched.as("dead-letter"));
        KStream<String, SessionOutput.Prediction> predictions = outputs.get("session-prediction")
                .mapValues(value -> (SessionOutput.Prediction) value, Named.as("as-prediction"));
        predictions.to(Topics.PREDICTIONS, Produced.with(Serdes.String(), OutputJson.predictionSerde()).withName("predictions-sink"));
        insights(predictions, config);
        outputs.get("session-example")
                .mapValues(value -> (SessionOutput.TrainingExample) value, Named.as("as-training-example"))
                .to(Topics.TRAINING_EXAMPLES, Produced.with(Serdes.String(), OutputJson.trainingExampleSerde())
                        .withName("training-examples-sink"));

        parsed.get("parsed-rejected").mapValues(value -> (DeadLetter) value, Named.as("parse-dead-letters"))
                .merge(reparsed.get("reparsed-rejected").mapValues(value -> (DeadLetter) value, Named.as("reparse-dead-letters")),
                        Named.as("all-parse-dead-letters"))
                .merge(outputs.get("session-dead-letter").mapValues(value -> (DeadLetter) value, Named.as("session-dead-letters")),
                        Named.as("all-dead-letters"))
                .map((key, letter) -> KeyValue.pair(letter.key(), letter.value()), Named.as("original-bytes"))
                .to(Topics.EVENTS_DLQ, Produced.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("dead-letter-sink"));
        return builder.build();
    }

    /**
     * One final record per shop and 1-minute event-time window, after the grace period: a repartition
     * by shop into {@link ScoringConfig#INSIGHT_PARTITIONS} partitions, a windowed aggregate of
     * counters, and suppression until the window closes.
     */
    private static void insights(KStream<String, SessionOutput.Prediction> predictions, ScoringConfig config) {
        predictions
                .process(KeyByShop::new, Named.as("key-by-shop"))
                .repartition(Repartitioned.with(Serdes.String(), InsightInput.serde()).withName(Stores.PREDICTIONS_BY_SHOP)
                        .withNumberOfPartitions(config.get(ScoringConfig.INSIGHT_PARTITIONS)))
                .groupByKey(Grouped.with(Serdes.String(), InsightInput.serde()))
                .windowedBy(TimeWindows.ofSizeAndGrace(INSIGHT_WINDOW, config.get(ScoringConfig.INSIGHTS_GRACE)))
                .aggregate(() -> ShopInsight.EMPTY, (shop, in, total) -> total.add(in), Named.as("insights-aggregate"),
                        // In memory whatever the session store's type: a few windows per shop, small, and
                        // restored from the changelog. A RocksDB window store opens a database per
                        // minute of event time, which a backlog replayed in seconds pays for dearly.
                        // Not cached, as the session store: the suppression downstream already keeps one
                        // record per window, and the cache's entries lengthened every young GC.
                        Materialized.<String, ShopInsight, WindowStore<Bytes, byte[]>>as(Stores.INSIGHTS)
                                .withKeySerde(Serdes.String()).withValueSerde(ShopInsight.serde())
                                .withStoreType(Materialized.StoreType.IN_MEMORY).withCachingDisabled())
                .suppress(Suppressed.untilWindowCloses(Suppressed.BufferConfig.unbounded()).withName(Stores.INSIGHTS_SUPPRESSION))
                .toStream(Named.as("insights-final"))
                .map((window, total) -> KeyValue.pair(window.key(),
                        OutputJson.insight(window.key(), window.window().start(), window.window().end(), total)), Named.as("insight-json"))
                .to(Topics.INSIGHTS, Produced.with(Serdes.String(), Serdes.ByteArray()).withName("insights-sink"));
    }

    /**
     * Keys a prediction's insight input by its shop, as a new record: an insight sums many events and
     * belongs to none of their traces, so the prediction's trace headers stop here.
     */
    private static final class KeyByShop extends ContextualProcessor<String, SessionOutput.Prediction, String, InsightInput> {
        @Override
        public void process(Record<String, SessionOutput.Prediction> record) {
            context().forward(new Record<>(record.value().shopId(), record.value().insight(), record.timestamp()));
        }
    }

    /**
     * The internal topics Kafka Streams makes for this topology under an application id: the
     * repartition topics (written and read by the topology itself) and one changelog per state
     * store, named as Kafka Streams names them ({@code <application id>-<name>-repartition},
     * {@code <application id>-<store>-changelog}). Read from the topology's description, so a
     * store or repartition added later is included; the global store has no changelog (it
     * restores from {@link Topics#PAGE_STATS}).
     */
    public static List<String> internalTopics(String applicationId) {
        TopologyDescription description = build(ScoringConfig.defaults(), () -> {
            throw new IllegalStateException("a topology built to be described scores nothing");
        }, PredictionCache.off(), ScoringMetrics.inMemory()).describe();
        Set<String> read = new HashSet<>();
        Set<String> written = new HashSet<>();
        Set<String> names = new TreeSet<>();
        for (TopologyDescription.Subtopology subtopology : description.subtopologies()) {
            for (TopologyDescription.Node node : subtopology.nodes()) {
                if (node instanceof TopologyDescription.Source source && source.topicSet() != null) {
                    read.addAll(source.topicSet());
                } else if (node instanceof TopologyDescription.Sink sink && sink.topic() != null) {
                    written.add(sink.topic());
                } else if (node instanceof TopologyDescription.Processor processor) {
                    processor.stores().forEach(store -> names.add(applicationId + "-" + store + "-changelog"));
                }
            }
        }
        // A topic the topology both writes and reads is a repartition topic; the description names it without the prefix.
        read.retainAll(written);
        read.forEach(topic -> names.add(applicationId + "-" + topic));
        return List.copyOf(names);
    }

    /**
     * The repartition topic of the events that came without a key, under an application id: what
     * it holds after its group's committed offset was taken from {@link Topics#EVENTS} and not yet
     * scored.
     */
    public static String keylessEventsTopic(String applicationId) {
        return applicationId + "-" + Stores.EVENTS_BY_SESSION + "-repartition";
    }

    private static KeyValueBytesStoreSupplier store(ScoringConfig.StoreType type, String name) {
        return type == ScoringConfig.StoreType.IN_MEMORY
                ? org.apache.kafka.streams.state.Stores.inMemoryKeyValueStore(name)
                : org.apache.kafka.streams.state.Stores.persistentKeyValueStore(name);
    }

    private static Map<String, KStream<String, ParseOutput>> split(KStream<String, ParseOutput> stream, String prefix) {
        return stream.split(Named.as(prefix))
                .branch((key, value) -> value instanceof ParseOutput.Parsed, Branched.as("valid"))
                .branch((key, value) -> value instanceof ParseOutput.Rekey, Branched.as("rekey"))
                .defaultBranch(Branched.as("rejected"));
    }
}
