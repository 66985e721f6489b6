package com.shopintent.scoring.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.shopintent.scoring.Await;
import com.shopintent.scoring.TestModels;
import com.shopintent.scoring.config.ScoringConfig;
import com.shopintent.scoring.events.Json;
import com.shopintent.scoring.events.RejectReason;
import com.shopintent.scoring.metrics.ScoringMetrics;
import com.shopintent.scoring.model.ActiveModels;
import com.shopintent.scoring.model.ScoringModel;
import com.shopintent.scoring.replay.ReplayRecord;
import com.shopintent.scoring.topology.DeadLetterHeaders;
import com.shopintent.scoring.topology.ScoringTopology;
import com.shopintent.scoring.topology.Stores;
import com.shopintent.scoring.topology.Topics;
import com.shopintent.scoring.topology.TraceContext;
import io.micrometer.core.instrument.Counter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scoring application against a real Kafka broker, with real data set sessions: exactly one prediction
 * per event and one training example per session for a {@code read_committed} reader, also across a crash
 * of the application (SIGKILL of its JVM), the loss of one of two instances, and a restart of the broker;
 * bad records in the dead-letter topic with their reason and original bytes.
 *
 * <p>Each test has a broker of its own (fresh storage, 6-partition topics from {@link TopicPlan}), because
 * the topic and group names are the product's and a crash or broker restart would disturb a neighbour. The
 * broker's log and the application process's output of each test stay in {@code target/it-logs}.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ScoringPipelineIT {

    private static final Logger LOG = LoggerFactory.getLogger(ScoringPipelineIT.class);
    /** How long a paused application is watched for output it must not write. */
    private static final Duration PAUSED_WATCH = Duration.ofSeconds(3);

    /** Less than the 45 s a closed dynamic member stays in its group: only leaving the group is this fast. */
    private static final Duration TAKEOVER_TIMEOUT = Duration.ofSeconds(30);
    /** Fast enough to keep the tests short, slow enough that a crash or a stop lands while events still come. */
    private static final int EVENTS_PER_SECOND = 500;

    @TempDir
    Path work;

    private BrokerTestBed bed;

    @BeforeEach
    void startBrokerAndCreateTopics(TestInfo test) {
        bed = new BrokerTestBed(ScoringPipelineIT.class, test.getTestMethod().orElseThrow().getName(), work);
    }

    @AfterEach
    void closeEverything() throws Exception {
        bed.close();
    }

    @Test
    void shouldWriteExactlyOnePredictionPerEventAndOneTrainingExamplePerSession() {
        Records.Replay replay = Records.replay(BrokerTestBed.rows(600, 0), Instant.now());
        assertThat(replay.events().size()).as("events of the replayed sessions").isGreaterThanOrEqualTo(20_000);
        Records.send(bed.bootstrapServers(), replay.pageStatsRecords());
        ScoringApp app = startApp("instance-1");
        bed.mark("application running");

        Records.send(bed.bootstrapServers(), replay.eventRecords());
        bed.mark("produced " + replay.events().size() + " events of " + replay.sessionIds().size() + " sessions");
        Records.Reader predictions = bed.reader(Topics.PREDICTIONS);
        Records.Reader examples = bed.reader(Topics.TRAINING_EXAMPLES);
        Supplier<String> context = () -> "application state " + app.state();
        Records.readAllOutput(predictions, replay.events().size(), bed.admin(), BrokerTestBed.APPLICATION_ID, BrokerTestBed.OUTPUT_TIMEOUT, context);
        Records.readAllOutput(examples, replay.sessionIds().size(), bed.admin(), BrokerTestBed.APPLICATION_ID, BrokerTestBed.OUTPUT_TIMEOUT, context);
        bed.mark("read " + predictions.count() + " predictions, " + examples.count() + " training examples");

        Records.assertEachExactlyOnce("predictions' eventId", predictions.values("eventId"), replay.eventIds(), context);
        Records.assertEachExactlyOnce("training examples' sessionId", examples.values("sessionId"), replay.sessionIds(), context);
        assertThat(predictions.records()).as("predictions keyed by their session id")
                .allSatisfy(record -> assertThat(new String(record.key(), StandardCharsets.UTF_8))
                        .isEqualTo(Records.field(record.value(), "sessionId")));
        assertThat(readDeadLetters()).as("dead letters of valid sessions (duplicate-event, session-closed)").isEmpty();
        assertInsightsCountNoEventTwice(replay, context);
        // The insight windows' internal topics have a count of their own; the sessions' changelog that of shop.events.
        String prefix = BrokerTestBed.APPLICATION_ID + "-";
        assertThat(partitions(prefix + Stores.PREDICTIONS_BY_SHOP + "-repartition", prefix + Stores.INSIGHTS + "-changelog",
                prefix + Stores.SESSIONS + "-changelog")).containsExactly(
                ScoringConfig.defaults().get(ScoringConfig.INSIGHT_PARTITIONS), ScoringConfig.defaults().get(ScoringConfig.INSIGHT_PARTITIONS),
                BrokerTestBed.PARTITIONS);
    }

    private List<Integer> partitions(String... topics) {
        try {
            Map<String, TopicDescription> described = bed.admin().describeTopics(List.of(topics)).allTopicNames().get(30, TimeUnit.SECONDS);
            return Stream.of(topics).map(topic -> described.get(topic).partitions().size()).toList();
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new AssertionError("cannot describe " + List.of(topics), e);
        }
    }

    /**
     * One final insight per shop and window, counting none of its events twice under exactly-once. (The
     * replay's sessions are all of one shop.) Not that it counts them all: the 20,000 events, hours of event
     * time, are produced in a second, the six tasks run apart in event time, and the insights' stream time
     * runs ahead of the tasks behind, whose events then come too late for their windows (docs/EVENTS.md).
     */
    private void assertInsightsCountNoEventTwice(Records.Replay replay, Supplier<String> context) {
        long windowMillis = ScoringTopology.INSIGHT_WINDOW.toMillis();
        Map<Long, Long> expected = replay.events().stream().collect(Collectors.groupingBy(
                event -> Math.floorDiv(event.timeNanos() / 1_000_000, windowMillis) * windowMillis, Collectors.counting()));
        Records.Reader insights = bed.reader(Topics.INSIGHTS);
        insights.readAtLeast(1, BrokerTestBed.OUTPUT_TIMEOUT, context);
        insights.readToEnd(BrokerTestBed.OUTPUT_TIMEOUT);

        // toMap fails on a second record of a window.
        Map<Long, Long> counted = insights.records().stream().collect(Collectors.toMap(
                record -> Instant.parse(Records.field(record.value(), "windowStart")).toEpochMilli(),
                record -> Long.parseLong(Records.field(record.value(), "events"))));
        counted.forEach((start, events) -> assertThat(events).as("events counted in the window from %s", Instant.ofEpochMilli(start))
                .isPositive().isLessThanOrEqualTo(expected.getOrDefault(start, 0L)));
    }

    /**
     * The start as {@code run} does it: Kafka Streams joins its group paused while the model loads and gets
     * its tasks. Events already in the topic are not scored, the models are not asked for, and the instance is
     * not ready until it resumes; then every event is scored once.
     */
    @Test
    void shouldScoreNothingAndNotBeReadyWhilePausedThenEveryEventOnceAfterResume() {
        Records.Replay replay = Records.replay(BrokerTestBed.rows(60, 4), Instant.now());
        Records.send(bed.bootstrapServers(), replay.pageStatsRecords());
        Records.send(bed.bootstrapServers(), replay.eventRecords());
        AtomicInteger asked = new AtomicInteger();
        ScoringModel model = TestModels.scoringModel();
        ScoringApp app = bed.closeLater(new ScoringApp(bed.config("instance-1"), () -> {
            asked.incrementAndGet();
            return ActiveModels.of(model);
        }, ScoringMetrics.inMemory()));
        Records.Reader predictions = bed.reader(Topics.PREDICTIONS);
        Supplier<String> context = () -> "application state " + app.state() + ", paused " + app.streams().isPaused();

        app.startPaused();
        // Paused, it joins the group and gets its partitions (the group coordinator's view: Kafka Streams
        // reports its tasks only once RUNNING), but restores nothing, so it stays REBALANCING.
        Await.until(BrokerTestBed.START_TIMEOUT, () -> assignedEventPartitions() == BrokerTestBed.PARTITIONS, context);
        bed.mark("paused with all partitions assigned, " + replay.events().size() + " events waiting");
        // Absence takes a window to observe: this long is many commit intervals of a running stream.
        long watchUntil = System.nanoTime() + PAUSED_WATCH.toNanos();
        while (System.nanoTime() < watchUntil) {
            assertThat(predictions.poll()).as("predictions while paused").isZero();
        }
        assertThat(asked).as("models asked for while paused").hasValue(0);
        assertThat(app.notReadyReason()).as("readiness while paused").hasValueSatisfying(reason -> assertThat(reason).contains("paused"));

        app.resume();
        Await.until(BrokerTestBed.START_TIMEOUT, () -> app.notReadyReason().isEmpty(), () -> "not ready: " + app.notReadyReason());
        Records.readAllOutput(predictions, replay.events().size(), bed.admin(), BrokerTestBed.APPLICATION_ID, BrokerTestBed.OUTPUT_TIMEOUT, context);
        Records.assertEachExactlyOnce("predictions' eventId", predictions.values("eventId"), replay.eventIds(), context);
        assertThat(asked.get()).as("models asked for after resume").isPositive();
    }

    /** Partitions of shop.events assigned to the application's group's members, as the broker says. */
    private int assignedEventPartitions() {
        try {
            return (int) bed.admin().describeConsumerGroups(List.of(BrokerTestBed.APPLICATION_ID)).all().get()
                    .get(BrokerTestBed.APPLICATION_ID).members().stream()
                    .flatMap(member -> member.assignment().topicPartitions().stream())
                    .filter(partition -> partition.topic().equals(Topics.EVENTS)).count();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("cannot describe the group " + BrokerTestBed.APPLICATION_ID, e);
        }
    }

    /**
     * SIGKILL of the application's JVM while it scores, more events while it is down, then a restart on the
     * same state directory: the killed instance's open transaction is aborted, and the restarted one goes on
     * from the offsets and session state committed before the kill.
     *
     * <p>It runs with a stable instance id, as a pod name gives (static membership), so the restarted process
     * is let back into the group at once; without one the group waits for the killed member's session to time
     * out (45 s, measured). The transactional id derives from the process id kept in the state directory, so
     * the restart fences the killed producer at once rather than after its transaction timeout.
     */
    @Test
    void shouldWriteEachPredictionExactlyOnceWhenTheApplicationProcessIsKilledAndRestarted() {
        Records.Replay replay = Records.replay(BrokerTestBed.rows(150, 1), Instant.now());
        int total = replay.events().size();
        int backlog = total / 4;
        Records.send(bed.bootstrapServers(), replay.pageStatsRecords());
        Records.send(bed.bootstrapServers(), replay.eventRecords(0, backlog));
        Map<String, String> settings = new HashMap<>(bed.settings("process"));
        settings.put("SCORING_INSTANCE_ID", "scoring-0");
        ScoringProcess process = bed.closeLater(new ScoringProcess(settings, bed.logFile("scoring-process.log")));
        Records.Reader predictions = bed.reader(Topics.PREDICTIONS);
        Records.Reader examples = bed.reader(Topics.TRAINING_EXAMPLES);
        Supplier<String> context = () -> "process alive: " + process.isAlive() + "; " + process.outputTail();

        process.start();
        predictions.readAtLeast(1, BrokerTestBed.START_TIMEOUT, context);
        bed.mark("first prediction from the process");
        Records.PacedProducer producer = bed.closeLater(new Records.PacedProducer(bed.bootstrapServers(),
                replay.eventRecords(backlog, total * 3 / 4), EVENTS_PER_SECOND));
        // Past the backlog: it scores events as they come, a transaction always open.
        predictions.readAtLeast(backlog + 100, BrokerTestBed.OUTPUT_TIMEOUT, context);

        process.kill();
        int readAtKill = predictions.poll();
        int sentAtKill = backlog + producer.stop();
        Records.send(bed.bootstrapServers(), replay.eventRecords(sentAtKill, total));
        bed.mark("killed the process (SIGKILL) with " + readAtKill + " predictions read for " + sentAtKill
                + " events sent; sent the other " + (total - sentAtKill) + " while it was down");
        assertThat(readAtKill).as("predictions read when the process was killed").isBetween(1, total - 1);

        process.start();
        predictions.readAtLeast(readAtKill + 1, BrokerTestBed.OUTPUT_TIMEOUT, context);
        bed.mark("first prediction after the restart");
        Records.readAllOutput(predictions, total, bed.admin(), BrokerTestBed.APPLICATION_ID, BrokerTestBed.OUTPUT_TIMEOUT, context);
        Records.readAllOutput(examples, replay.sessionIds().size(), bed.admin(), BrokerTestBed.APPLICATION_ID, BrokerTestBed.OUTPUT_TIMEOUT, context);
        bed.mark("read " + predictions.count() + " predictions, " + examples.count() + " training examples");

        Records.assertEachExactlyOnce("predictions' eventId", predictions.values("eventId"), replay.eventIds(), context);
        Records.assertEachExactlyOnce("training examples' sessionId", examples.values("sessionId"), replay.sessionIds(), context);
        assertThat(readDeadLetters()).as("dead letters (a replayed event would be a duplicate-event)").isEmpty();
    }

    /**
     * Two instances share the partitions; one is closed while events come, and the other takes its partitions
     * over within {@link #TAKEOVER_TIMEOUT}, restores their sessions and scores the rest.
     *
     * <p>With stable instance ids (static membership): {@link ScoringApp#close()} then removes the instance from
     * the group. Without one, Kafka Streams 4.1 ignores {@code leaveGroup} (KAFKA-16514) and the group waits
     * for the closed member's session to time out (45 s, measured) before the other instance gets its partitions.
     */
    @Test
    void shouldShareThePartitionsBetweenTwoInstancesAndLoseNothingWhenOneStops() {
        Records.Replay replay = Records.replay(BrokerTestBed.rows(120, 2), Instant.now());
        int total = replay.events().size();
        Records.send(bed.bootstrapServers(), replay.pageStatsRecords());
        ScoringApp first = startApp("instance-1", Map.of("SCORING_INSTANCE_ID", "scoring-1"));
        ScoringApp second = startApp("instance-2", Map.of("SCORING_INSTANCE_ID", "scoring-2"));
        Supplier<String> context = () -> "instance 1 " + first.state() + " has partitions " + BrokerTestBed.eventPartitions(first)
                + " of " + Topics.EVENTS + ", instance 2 " + second.state() + " has " + BrokerTestBed.eventPartitions(second);
        // Before any state exists every instance is as good an owner as another, so the partitions are spread.
        Await.until(BrokerTestBed.START_TIMEOUT, () -> first.state() == KafkaStreams.State.RUNNING && second.state() == KafkaStreams.State.RUNNING
                && !BrokerTestBed.eventPartitions(first).isEmpty() && !BrokerTestBed.eventPartitions(second).isEmpty()
                && BrokerTestBed.eventPartitions(first).size() + BrokerTestBed.eventPartitions(second).size() == BrokerTestBed.PARTITIONS, context);
        bed.mark("two instances running, " + context.get());
        assertThat(BrokerTestBed.eventPartitions(first)).as("partitions of both instances").doesNotContainAnyElementsOf(BrokerTestBed.eventPartitions(second));

        Records.Reader predictions = bed.reader(Topics.PREDICTIONS);
        Records.Reader examples = bed.reader(Topics.TRAINING_EXAMPLES);
        Records.PacedProducer producer = bed.closeLater(new Records.PacedProducer(bed.bootstrapServers(),
                replay.eventRecords(0, total * 2 / 3), EVENTS_PER_SECOND));
        predictions.readAtLeast(total / 3, BrokerTestBed.OUTPUT_TIMEOUT, context);
        assertThat(eventsIn(first)).as("events scored by instance 1").isPositive();
        assertThat(eventsIn(second)).as("events scored by instance 2").isPositive();

        first.close();
        long closed = System.nanoTime();
        int readAtClose = predictions.poll();
        int sentAtClose = producer.stop();
        Records.send(bed.bootstrapServers(), replay.eventRecords(sentAtClose, total));
        bed.mark("closed instance 1 with " + readAtClose + " predictions read for " + sentAtClose
                + " events sent; sent the other " + (total - sentAtClose));
        Await.until(TAKEOVER_TIMEOUT, () -> second.state() == KafkaStreams.State.RUNNING
                && BrokerTestBed.eventPartitions(second).size() == BrokerTestBed.PARTITIONS, context);
        bed.mark(String.format("instance 2 took over %.1f s after the close, %s", (System.nanoTime() - closed) / 1e9, context.get()));
        Records.readAllOutput(predictions, total, bed.admin(), BrokerTestBed.APPLICATION_ID, BrokerTestBed.OUTPUT_TIMEOUT, context);
        Records.readAllOutput(examples, replay.sessionIds().size(), bed.admin(), BrokerTestBed.APPLICATION_ID, BrokerTestBed.OUTPUT_TIMEOUT, context);
        bed.mark("read " + predictions.count() + " predictions, " + examples.count() + " training examples");

        Records.assertEachExactlyOnce("predictions' eventId", predictions.values("eventId"), replay.eventIds(), context);
        Records.assertEachExactlyOnce("training examples' sessionId", examples.values("sessionId"), replay.sessionIds(), context);
        assertThat(readDeadLetters()).as("dead letters (a replayed event would be a duplicate-event)").isEmpty();
    }

    /** A bad record of each kind, made from a valid event next to which it is produced. */
    private record Bad(RejectReason reason, ProducerRecord<byte[], byte[]> record) {
    }

    /**
     * One bad record after every 20 valid events, in the partition of the session next to it. Every valid
     * event has a header of the shop's own, and every third a {@code traceparent}, which only its prediction
     * carries on.
     */
    @Test
    void shouldSendBadEventsToTheDeadLetterTopicWithReasonAndOriginalBytesAndScoreTheValidOnesAroundThemWithTheirTraceparent() {
        Records.Replay replay = Records.replay(BrokerTestBed.rows(60, 3), Instant.now());
        List<RejectReason> reasons = List.of(RejectReason.MALFORMED_JSON, RejectReason.UNKNOWN_TYPE, RejectReason.MISSING_FIELD,
                RejectReason.KEY_MISMATCH, RejectReason.NULL_VALUE);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        Map<Integer, Bad> badByIndex = new LinkedHashMap<>();
        Map<String, String> traceparentByEventId = new HashMap<>();
        for (int i = 0; i < replay.events().size(); i++) {
            ReplayRecord event = replay.events().get(i);
            ProducerRecord<byte[], byte[]> record = Records.toProducerRecord(event);
            record.headers().add("shop-request-id", Records.utf8("r-" + i));
            if (i % 3 == 0) {
                String traceparent = "00-%032x-%016x-01".formatted(i + 1, i + 1);
                record.headers().add(TraceContext.TRACEPARENT, Records.utf8(traceparent));
                traceparentByEventId.put(replay.eventIds().get(i), traceparent);
            }
            records.add(record);
            if (i % 20 == 10) {
                RejectReason reason = reasons.get(badByIndex.size() % reasons.size());
                Bad bad = new Bad(reason, bad(reason, event, "bad-" + badByIndex.size()));
                badByIndex.put(records.size(), bad);
                records.add(bad.record());
            }
        }
        Records.send(bed.bootstrapServers(), replay.pageStatsRecords());
        ScoringApp app = startApp("instance-1");
        List<RecordMetadata> written = Records.send(bed.bootstrapServers(), records);
        bed.mark("produced " + replay.events().size() + " valid and " + badByIndex.size() + " bad events");

        Records.Reader deadLetters = bed.reader(Topics.EVENTS_DLQ);
        Records.Reader predictions = bed.reader(Topics.PREDICTIONS);
        Records.Reader examples = bed.reader(Topics.TRAINING_EXAMPLES);
        Supplier<String> context = () -> "application state " + app.state();
        Records.readAllOutput(deadLetters, badByIndex.size(), bed.admin(), BrokerTestBed.APPLICATION_ID, BrokerTestBed.OUTPUT_TIMEOUT, context);
        Records.readAllOutput(predictions, replay.events().size(), bed.admin(), BrokerTestBed.APPLICATION_ID, BrokerTestBed.OUTPUT_TIMEOUT, context);
        Records.readAllOutput(examples, replay.sessionIds().size(), bed.admin(), BrokerTestBed.APPLICATION_ID, BrokerTestBed.OUTPUT_TIMEOUT, context);
        bed.mark("read " + deadLetters.count() + " dead letters, " + predictions.count() + " predictions");

        Map<String, Bad> badBySource = new HashMap<>();
        badByIndex.forEach((index, bad) -> badBySource.put(written.get(index).partition() + "/" + written.get(index).offset(), bad));
        assertThat(deadLetters.records()).as("dead letters").hasSize(badByIndex.size());
        for (ConsumerRecord<byte[], byte[]> letter : deadLetters.records()) {
            String source = Records.header(letter, DeadLetterHeaders.SOURCE_PARTITION) + "/" + Records.header(letter, DeadLetterHeaders.SOURCE_OFFSET);
            Bad bad = badBySource.remove(source);
            assertThat(bad).as("the bad record at %s of %s (reason %s)", source, Topics.EVENTS, Records.header(letter, DeadLetterHeaders.REASON))
                    .isNotNull();
            String as = bad.reason() + " record at " + source;
            assertThat(Records.header(letter, DeadLetterHeaders.REASON)).as(as).isEqualTo(bad.reason().code());
            assertThat(Records.header(letter, DeadLetterHeaders.DETAIL)).as(as).isNotBlank();
            assertThat(Records.header(letter, DeadLetterHeaders.SOURCE_TOPIC)).as(as).isEqualTo(Topics.EVENTS);
            assertThat(letter.key()).as(as).isEqualTo(bad.record().key());
            assertThat(letter.value()).as(as).isEqualTo(bad.record().value());
        }
        assertThat(badBySource).as("bad records without a dead letter").isEmpty();
        Records.assertEachExactlyOnce("predictions' eventId", predictions.values("eventId"), replay.eventIds(), context);
        Records.assertEachExactlyOnce("training examples' sessionId", examples.values("sessionId"), replay.sessionIds(), context);
        for (ConsumerRecord<byte[], byte[]> prediction : predictions.records()) {
            String eventId = Records.field(prediction.value(), "eventId");
            String traceparent = traceparentByEventId.get(eventId);
            assertThat(Arrays.stream(prediction.headers().toArray()).map(Header::key)).as("headers of the prediction of %s", eventId)
                    .containsExactlyElementsOf(traceparent == null ? List.of() : List.of(TraceContext.TRACEPARENT));
            assertThat(Records.header(prediction, TraceContext.TRACEPARENT)).as("traceparent of the prediction of %s", eventId).isEqualTo(traceparent);
        }
        assertThat(examples.records()).as("training examples without headers").allSatisfy(example ->
                assertThat(example.headers().toArray()).isEmpty());
    }

    /**
     * The broker stops (a controlled shutdown) and starts again on the same storage while the application scores
     * and the shop sends: the application's clients retry until it is back, and it goes on without a restart.
     */
    @Test
    void shouldRecoverFromABrokerRestartWithoutRestartingAndWriteEachPredictionExactlyOnce() {
        Records.Replay replay = Records.replay(BrokerTestBed.rows(120, 4), Instant.now());
        int total = replay.events().size();
        Records.send(bed.bootstrapServers(), replay.pageStatsRecords());
        ScoringApp app = startApp("instance-1");
        Records.Reader predictions = bed.reader(Topics.PREDICTIONS);
        Records.Reader examples = bed.reader(Topics.TRAINING_EXAMPLES);
        Supplier<String> context = () -> "application state " + app.state() + "; broker log kept in " + bed.logFile("broker.log").toAbsolutePath();

        // The shop goes on sending while the broker restarts; its producer holds the records until it is back.
        Records.PacedProducer producer = bed.closeLater(new Records.PacedProducer(bed.bootstrapServers(),
                replay.eventRecords(0, total * 2 / 3), EVENTS_PER_SECOND));
        predictions.readAtLeast(total / 3, BrokerTestBed.OUTPUT_TIMEOUT, context);
        int readAtRestart = predictions.poll();
        bed.mark("restarting the broker with " + readAtRestart + " predictions read");
        bed.broker().restart();
        bed.mark("broker restarted; application " + app.state());
        int sentBefore = producer.stop();
        Records.send(bed.bootstrapServers(), replay.eventRecords(sentBefore, total));
        bed.mark("sent the other " + (total - sentBefore) + " events");
        assertThat(readAtRestart).as("predictions read when the broker stopped").isBetween(1, total - 1);

        predictions.readAtLeast(readAtRestart + 1, BrokerTestBed.OUTPUT_TIMEOUT, context);
        bed.mark("first prediction after the broker restart");
        Records.readAllOutput(predictions, total, bed.admin(), BrokerTestBed.APPLICATION_ID, BrokerTestBed.OUTPUT_TIMEOUT, context);
        Records.readAllOutput(examples, replay.sessionIds().size(), bed.admin(), BrokerTestBed.APPLICATION_ID, BrokerTestBed.OUTPUT_TIMEOUT, context);
        bed.mark("read " + predictions.count() + " predictions, " + examples.count() + " training examples");

        assertThat(app.state()).as("the same application instance, still running").isEqualTo(KafkaStreams.State.RUNNING);
        Records.assertEachExactlyOnce("predictions' eventId", predictions.values("eventId"), replay.eventIds(), context);
        Records.assertEachExactlyOnce("training examples' sessionId", examples.values("sessionId"), replay.sessionIds(), context);
        assertThat(readDeadLetters()).as("dead letters (a replayed event would be a duplicate-event)").isEmpty();
    }

    private ScoringApp startApp(String instance) {
        return startApp(instance, Map.of());
    }

    private ScoringApp startApp(String instance, Map<String, String> moreSettings) {
        return bed.startApp(instance, moreSettings);
    }

    private List<ConsumerRecord<byte[], byte[]>> readDeadLetters() {
        return bed.readDeadLetters();
    }

    private static double eventsIn(ScoringApp app) {
        return app.metrics().registry().find(ScoringMetrics.EVENTS_IN).counters().stream().mapToDouble(Counter::count).sum();
    }

    /** A bad record made from a valid event: it lands in the same partition, between the session's events. */
    private static ProducerRecord<byte[], byte[]> bad(RejectReason reason, ReplayRecord event, String eventId) {
        byte[] key = Records.utf8(event.key());
        ObjectNode json;
        try {
            json = (ObjectNode) Json.MAPPER.readTree(event.value());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        json.put("eventId", eventId);
        byte[] value = switch (reason) {
            case MALFORMED_JSON -> Arrays.copyOf(event.value(), event.value().length / 2);
            case UNKNOWN_TYPE -> bytes(json.put("type", "hover"));
            case MISSING_FIELD -> bytes(json.without("visitorId"));
            case KEY_MISMATCH -> bytes(json.put("sessionId", event.key() + "-elsewhere"));
            case NULL_VALUE -> null;
            default -> throw new IllegalArgumentException("no bad record made for " + reason);
        };
        return new ProducerRecord<>(Topics.EVENTS, key, value);
    }

    private static byte[] bytes(ObjectNode json) {
        try {
            return Json.MAPPER.writeValueAsBytes(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
