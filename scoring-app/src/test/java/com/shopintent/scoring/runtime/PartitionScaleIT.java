package com.shopintent.scoring.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.shopintent.scoring.Await;
import com.shopintent.scoring.TestModels;
import com.shopintent.scoring.cli.ScoringCli;
import com.shopintent.scoring.config.ScoringConfig;
import com.shopintent.scoring.events.Json;
import com.shopintent.scoring.metrics.ScoringMetrics;
import com.shopintent.scoring.model.ActiveModels;
import com.shopintent.scoring.model.ScoringModel;
import com.shopintent.scoring.replay.ReplayRecord;
import com.shopintent.scoring.topology.ScoringTopology;
import com.shopintent.scoring.topology.Topics;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * More partitions of {@link Topics#EVENTS} under the scoring application, against a real broker: what Kafka
 * Streams does when they are simply added (it stops, and this test notices if an upgrade changes that), and
 * the hand-over to a new generation by {@code ./scoring partitions scale} under load, with no event scored
 * twice or never.
 *
 * <p>The instances run with stable instance ids (static membership): only then does a clean close remove an
 * instance from its group at once (KAFKA-16514), and the command refuses while the group has members.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class PartitionScaleIT {

    private static final int SCALED_PARTITIONS = 12;
    private static final String NEXT_APPLICATION_ID = BrokerTestBed.APPLICATION_ID + "-g2";
    /** Slow enough that the producer sends all through the stop, the hand-over and the new generation's start. */
    private static final int EVENTS_PER_SECOND = 150;
    /**
     * The shops' producer. It refreshes its metadata every second here, so that the growth is seen in
     * seconds (the default is 5 minutes, for Kafka Streams' consumer as for a shop's producer), and keeps
     * one request in flight per connection. With more, a Kafka 4.1 broker can append a producer's second request to a
     * partition just created and then refuse its first (failed once, as the partition was not ready
     * yet) with OUT_OF_ORDER_SEQUENCE_NUMBER until the delivery timeout drops it (KAFKA-15591, fixed
     * in later brokers); seen here once, the producer retrying for two minutes (docs/OPERATIONS.md).
     */
    private static final Map<String, Object> QUICK_METADATA = Map.of(ProducerConfig.METADATA_MAX_AGE_CONFIG, 1000,
            ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);

    private static final Map<String, String> STATIC_MEMBER = Map.of("SCORING_INSTANCE_ID", "scoring-0");

    private static ScoringModel model;

    @TempDir
    Path work;

    private BrokerTestBed bed;

    @BeforeEach
    void startBrokerAndCreateTopics(TestInfo test) {
        bed = new BrokerTestBed(PartitionScaleIT.class, test.getTestMethod().orElseThrow().getName(), work);
    }

    @AfterEach
    void closeEverything() throws Exception {
        bed.close();
    }

    /**
     * Kafka Streams 4.1.1 goes on until its next rebalance, which the growth of a subscribed topic causes once
     * the group leader's consumer refreshes its metadata ({@code metadata.max.age.ms}: 5 minutes by default,
     * measured 294.7 s; 5 s here). Its assignor then finds the internal topics at the old count and the stream
     * thread fails, so the application stops in ERROR and /health says why. The other stream thread reaches the
     * same error only when its rebalance ends, which waits for the failed thread's member to time out (Kafka
     * Streams' consumers do not leave the group when they close): {@code session.timeout.ms}, 45 s by default,
     * 10 s here.
     */
    @Test
    void shouldStopWithAClearErrorWhenInputPartitionsGrowUnderARunningApplication() throws Exception {
        Records.Replay replay = Records.replay(BrokerTestBed.rows(20, 5), Instant.now());
        Records.send(bed.bootstrapServers(), replay.pageStatsRecords());
        ScoringApp app = startApp(bed.config("instance-1").with(Map.of("SCORING_KAFKA_METADATA_MAX_AGE_MS", "5000",
                "SCORING_KAFKA_SESSION_TIMEOUT_MS", "10000")));
        Records.send(bed.bootstrapServers(), replay.eventRecords());
        Records.Reader predictions = bed.reader(Topics.PREDICTIONS);
        Supplier<String> context = () -> "application " + app.state() + ", failure " + app.failure();
        predictions.readAtLeast(replay.events().size(), BrokerTestBed.OUTPUT_TIMEOUT, context);

        bed.admin().createPartitions(Map.of(Topics.EVENTS, NewPartitions.increaseTo(SCALED_PARTITIONS))).all().get();
        long grown = System.nanoTime();
        Await.until(Duration.ofSeconds(60), () -> app.state() == KafkaStreams.State.ERROR, context);
        bed.mark(String.format("in ERROR %.1f s after %s grew to %d partitions", (System.nanoTime() - grown) / 1e9, Topics.EVENTS,
                SCALED_PARTITIONS));

        assertThat(app.failure()).as("the reason /health gives").hasValueSatisfying(reason -> assertThat(reason).matches(
                "Kafka Streams is in ERROR: Existing internal topic " + BrokerTestBed.APPLICATION_ID + "-[a-z-]+-repartition has invalid"
                        + " partitions: expected: 12; actual: 6\\. Use 'org.apache.kafka.tools.StreamsResetter' tool to clean up invalid"
                        + " topics before processing\\."));
    }

    /**
     * A generation scores replayed sessions at a steady rate, some events without a key; it is stopped, the
     * command hands it over to a new generation with twice the partitions while the shop goes on sending, and
     * the new generation scores the rest: each event has exactly one prediction across the two.
     *
     * <p>The keyless events are sent early, so that the first generation has scored them all by the stop: one in
     * flight at the stop would be scored after the events its session sent meanwhile (docs/OPERATIONS.md). The
     * records the command copies, keyless events taken from {@link Topics#EVENTS} but not yet scored, are left by
     * a clean stop only if it falls between two steps of Kafka Streams; three such records of sessions of their
     * own are put in the first generation's repartition topic, to be certain the copy is exercised.
     */
    @Test
    void shouldScaleSixToTwelvePartitionsUnderLoadWithoutLosingAnEvent() {
        Records.Replay replay = Records.replay(BrokerTestBed.rows(150, 6), Instant.now());
        int total = replay.events().size();
        List<ProducerRecord<byte[], byte[]>> events = withKeylessEvents(replay, total / 3);
        Records.send(bed.bootstrapServers(), replay.pageStatsRecords());
        ScoringApp first = startApp(bed.config("first").with(STATIC_MEMBER));
        Records.Reader predictions = bed.reader(Topics.PREDICTIONS);
        Supplier<String> context = () -> "first generation " + first.state();
        Records.PacedProducer producer = bed.closeLater(new Records.PacedProducer(bed.bootstrapServers(), events, EVENTS_PER_SECOND,
                QUICK_METADATA));
        predictions.readAtLeast(total / 2, BrokerTestBed.OUTPUT_TIMEOUT, context);
        bed.mark("first generation scoring " + total + " events, " + events.stream().filter(record -> record.key() == null).count()
                + " of them without a key");

        Command refused = partitions("scale", "--to", Integer.toString(SCALED_PARTITIONS));
        assertThat(refused.exitCode()).as("exit code of scale while an instance runs; " + refused).isEqualTo(1);
        assertThat(refused.err()).contains(BrokerTestBed.APPLICATION_ID + " still has 1 instance(s) in its group (scoring-0");

        first.close();
        predictions.readToEnd(BrokerTestBed.OUTPUT_TIMEOUT);
        int scoredByFirst = predictions.count();
        List<String> handedOver = putKeylessEventsTakenButNotScored(replay, 3);
        bed.mark("first generation stopped with " + scoredByFirst + " predictions read");
        Command scale = partitions("scale", "--to", Integer.toString(SCALED_PARTITIONS));
        assertThat(scale.exitCode()).as(scale.toString()).isZero();
        assertThat(scale.out()).contains("keyless events copied back into " + Topics.EVENTS + ": " + handedOver.size(),
                "SCORING_APPLICATION_ID=" + NEXT_APPLICATION_ID + " SCORING_PARTITIONS=" + SCALED_PARTITIONS,
                "partitions cleanup --application-id " + BrokerTestBed.APPLICATION_ID);

        ScoringApp second = startApp(bed.config("second").with(STATIC_MEMBER).with(Map.of(
                "SCORING_APPLICATION_ID", NEXT_APPLICATION_ID, "SCORING_PARTITIONS", Integer.toString(SCALED_PARTITIONS))));
        Supplier<String> both = () -> "first generation " + first.state() + ", second " + second.state() + ", failure " + second.failure();
        predictions.readAtLeast(scoredByFirst + 1, BrokerTestBed.OUTPUT_TIMEOUT, both);
        int sent = producer.stop();
        Records.send(bed.bootstrapServers(), events.subList(sent, total));
        bed.mark("second generation scoring; the producer sent " + sent + " events, the other " + (total - sent) + " sent now");

        List<String> expected = new ArrayList<>(replay.eventIds());
        expected.addAll(handedOver);
        Records.readAllOutput(predictions, expected.size(), bed.admin(), NEXT_APPLICATION_ID, BrokerTestBed.OUTPUT_TIMEOUT, both);
        bed.mark("read " + predictions.count() + " predictions");
        Records.assertEachExactlyOnce("predictions' eventId", predictions.values("eventId"), expected, both);
        assertThat(scoredByFirst).as("predictions of the first generation").isBetween(total / 2, total - 1);
        assertThat(recordsIn(IntStream.range(BrokerTestBed.PARTITIONS, SCALED_PARTITIONS)))
                .as("events in each new partition of %s", Topics.EVENTS).allSatisfy(count -> assertThat(count).isPositive());
        Records.Reader deadLetters = bed.reader(Topics.EVENTS_DLQ);
        deadLetters.readToEnd(BrokerTestBed.OUTPUT_TIMEOUT);
        assertThat(deadLetters.records()).as("dead letters").isEmpty();

        Command cleanup = partitions("cleanup");
        assertThat(cleanup.exitCode()).as(cleanup.toString()).isZero();
        Set<String> topics = topics();
        assertThat(ScoringTopology.internalTopics(BrokerTestBed.APPLICATION_ID)).as("old internal topics").noneMatch(topics::contains);
        assertThat(topics).as("new internal topics").containsAll(ScoringTopology.internalTopics(NEXT_APPLICATION_ID));
        assertThat(second.state()).as("second generation after the cleanup").isEqualTo(KafkaStreams.State.RUNNING);
    }

    /**
     * The Kubernetes way, which is also the way back from the failure above: the partitions are raised beside the
     * command (by the Strimzi topic operator from the KafkaTopic, or by hand) and events come to the new ones before
     * the hand-over; {@code scale --already-raised} hands over without raising them.
     */
    @Test
    void shouldHandOverWhenThePartitionsWereRaisedAlready() throws Exception {
        Records.Replay replay = Records.replay(BrokerTestBed.rows(40, 7), Instant.now());
        int total = replay.events().size();
        Records.send(bed.bootstrapServers(), replay.pageStatsRecords());
        ScoringApp first = startApp(bed.config("first").with(STATIC_MEMBER));
        Records.send(bed.bootstrapServers(), replay.eventRecords(0, total / 2));
        Records.Reader predictions = bed.reader(Topics.PREDICTIONS);
        predictions.readAtLeast(total / 2, BrokerTestBed.OUTPUT_TIMEOUT, () -> "first generation " + first.state());
        first.close();
        bed.admin().createPartitions(Map.of(Topics.EVENTS, NewPartitions.increaseTo(SCALED_PARTITIONS))).all().get();
        TopicPlan.awaitLeaders(bed.admin(), List.of(Topics.EVENTS));
        // A producer made now knows the new partitions from its first request.
        Records.send(bed.bootstrapServers(), replay.eventRecords(total / 2, total));

        Command refused = partitions("scale", "--to", Integer.toString(SCALED_PARTITIONS));
        assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(1);
        assertThat(refused.err()).contains(Topics.EVENTS + " has 12 partitions; the target must be larger", "--already-raised");
        Command scale = partitions("scale", "--to", Integer.toString(SCALED_PARTITIONS), "--already-raised");
        assertThat(scale.exitCode()).as(scale.toString()).isZero();

        ScoringApp second = startApp(bed.config("second").with(STATIC_MEMBER).with(Map.of(
                "SCORING_APPLICATION_ID", NEXT_APPLICATION_ID, "SCORING_PARTITIONS", Integer.toString(SCALED_PARTITIONS))));
        Supplier<String> context = () -> "second generation " + second.state() + ", failure " + second.failure();
        Records.readAllOutput(predictions, total, bed.admin(), NEXT_APPLICATION_ID, BrokerTestBed.OUTPUT_TIMEOUT, context);
        Records.assertEachExactlyOnce("predictions' eventId", predictions.values("eventId"), replay.eventIds(), context);
        assertThat(recordsIn(IntStream.range(BrokerTestBed.PARTITIONS, SCALED_PARTITIONS)))
                .as("events in each new partition of %s", Topics.EVENTS).allSatisfy(count -> assertThat(count).isPositive());
    }

    /**
     * The events, every third of the first {@code within} sent without a key; only events whose session sends
     * nothing for seconds after them, since a keyless event takes a detour through the repartition topic, and one
     * overtaken by its session's end is a dead letter (docs/EVENTS.md, records without a key).
     */
    private static List<ProducerRecord<byte[], byte[]>> withKeylessEvents(Records.Replay replay, int within) {
        int apart = EVENTS_PER_SECOND * 2;
        Map<String, Integer> nextOfSession = new HashMap<>();
        int[] next = new int[replay.events().size()];
        for (int i = replay.events().size() - 1; i >= 0; i--) {
            Integer later = nextOfSession.put(replay.events().get(i).key(), i);
            next[i] = later == null ? Integer.MAX_VALUE : later;
        }
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(replay.eventRecords());
        int candidates = 0;
        for (int i = 0; i < within; i++) {
            if ((long) next[i] - i >= apart && candidates++ % 3 == 0) {
                records.set(i, new ProducerRecord<>(Topics.EVENTS, null, replay.events().get(i).value()));
            }
        }
        assertThat(records).as("keyless events").filteredOn(record -> record.key() == null).hasSizeGreaterThan(10);
        return records;
    }

    /**
     * Puts {@code count} page views of sessions of their own in the stopped generation's repartition topic, as
     * Kafka Streams leaves keyless events it took but did not score yet; returns their event ids.
     */
    private List<String> putKeylessEventsTakenButNotScored(Records.Replay replay, int count) {
        byte[] pageView = replay.events().stream().map(ReplayRecord::value)
                .filter(value -> Records.field(value, "type").equals("page_view")).findFirst().orElseThrow();
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        List<String> eventIds = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String session = "handed-over-" + i;
            try {
                ObjectNode json = (ObjectNode) Json.MAPPER.readTree(pageView);
                json.put("eventId", session + "-e1").put("sessionId", session);
                records.add(new ProducerRecord<>(ScoringTopology.keylessEventsTopic(BrokerTestBed.APPLICATION_ID), Records.utf8(session),
                        Json.MAPPER.writeValueAsBytes(json)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            eventIds.add(session + "-e1");
        }
        Records.send(bed.bootstrapServers(), records);
        return eventIds;
    }

    /** What a command printed and returned. */
    private record Command(int exitCode, String out, String err) {
    }

    /** Runs {@code ./scoring partitions ...} in this JVM against the test's broker, for the first generation. */
    private Command partitions(String... args) {
        List<String> line = new ArrayList<>(List.of("partitions"));
        line.addAll(List.of(args));
        line.addAll(List.of("--bootstrap-servers", bed.bootstrapServers(), "--application-id", BrokerTestBed.APPLICATION_ID));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = ScoringCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exitCode = cli.execute(line.toArray(String[]::new));
        bed.mark("./scoring " + String.join(" ", line.subList(0, line.size() - 4)) + " exited " + exitCode + ":\n" + out + err);
        return new Command(exitCode, out.toString(), err.toString());
    }

    private List<Long> recordsIn(IntStream partitions) {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        partitions.forEach(partition -> latest.put(new TopicPartition(Topics.EVENTS, partition), OffsetSpec.latest()));
        try {
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> end = bed.admin().listOffsets(latest).all().get(30, TimeUnit.SECONDS);
            return end.values().stream().map(ListOffsetsResult.ListOffsetsResultInfo::offset).toList();
        } catch (ExecutionException | TimeoutException | InterruptedException e) {
            throw new AssertionError("cannot read the end offsets of " + Topics.EVENTS, e);
        }
    }

    private Set<String> topics() {
        try {
            return bed.admin().listTopics().names().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException | InterruptedException e) {
            throw new AssertionError("cannot list the topics", e);
        }
    }

    private static synchronized ScoringModel model() {
        if (model == null) {
            model = TestModels.scoringModel();
        }
        return model;
    }

    private ScoringApp startApp(ScoringConfig config) {
        ScoringApp app = bed.closeLater(new ScoringApp(config, () -> ActiveModels.of(model()), ScoringMetrics.inMemory()));
        app.start();
        Await.until(BrokerTestBed.START_TIMEOUT, () -> app.notReadyReason().isEmpty(), () -> "not ready: " + app.notReadyReason());
        return app;
    }
}
