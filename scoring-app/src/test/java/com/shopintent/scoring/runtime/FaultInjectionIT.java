package com.shopintent.scoring.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.shopintent.scoring.Await;
import com.shopintent.scoring.cache.RedisServerProcess;
import com.shopintent.scoring.events.Json;
import com.shopintent.scoring.events.RejectReason;
import com.shopintent.scoring.metrics.ScoringMetrics;
import com.shopintent.scoring.replay.ReplayRecord;
import com.shopintent.scoring.topology.DeadLetterHeaders;
import com.shopintent.scoring.topology.Topics;
import com.shopintent.scoring.topology.TraceContext;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults injected under a running scoring application, against a real Kafka broker (and a real Redis): the broker
 * down for 20 s, Redis down for 30 s, an instance joining and another leaving under load, a tenth of the stream
 * poisoned and hostile, the state directory's disk full, and events a day ahead of and behind the clock. Each test
 * counts the events produced, the predictions and the dead letters a {@code read_committed} reader sees, and
 * asserts that each event has exactly one of them. The results are in docs/reliability.md.
 *
 * <p>A SIGKILL of the application and its restart, and a quick broker restart, are in {@link ScoringPipelineIT};
 * more partitions under load in {@link PartitionScaleIT}.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class FaultInjectionIT {

    /** The injected faults: held this long on purpose, as the suite's specification says. */
    private static final Duration BROKER_OUTAGE = Duration.ofSeconds(20);
    private static final Duration REDIS_OUTAGE = Duration.ofSeconds(30);
    /** Slow enough that the shop sends all through an outage, as a shop would. */
    private static final int EVENTS_PER_SECOND = 150;
    /**
     * Valid events per second with a tenth of poison, relative to without: measured 0.63 (idle machine), 0.54
     * and 0.38 (CI, the last on a busy host), two rates of a second or two each. A stalled stream (a fenced
     * thread rejoins after ~46 s) gives a few hundredths, and any stall of 3 s or more in a poisoned drain of
     * under a second gives less than 0.2: the bound sits there, below the noise and above the stalls.
     */
    private static final double MIN_RATE_WITH_POISON = 0.2;
    /** Kafka 4's default for every broker: a record stamped more than an hour ahead of the broker's clock is refused. */
    private static final Map<String, String> KAFKA_DEFAULT_TIMESTAMP_CHECK = Map.of("log.message.timestamp.after.max.ms", "3600000");

    @TempDir
    Path work;

    private BrokerTestBed bed;
    private String testName;

    @org.junit.jupiter.api.BeforeEach
    void name(TestInfo test) {
        testName = test.getTestMethod().orElseThrow().getName();
    }

    @AfterEach
    void closeEverything() throws Exception {
        if (bed != null) {
            bed.close();
        }
    }

    private BrokerTestBed bed(Map<String, String> brokerProperties) {
        bed = new BrokerTestBed(FaultInjectionIT.class, testName, work, brokerProperties);
        return bed;
    }

    /**
     * The broker stops (controlled shutdown) and stays down 20 s while the shop keeps sending, then starts on the
     * same storage and port. The application is not restarted: its clients retry, and its transaction open at the
     * stop, which the coordinator aborts once it sees it has timed out, is scored again from the committed offsets.
     */
    @Test
    void shouldLoseAndRepeatNothingWhenTheBrokerIsDownForTwentySeconds() {
        bed(Map.of());
        Records.Replay replay = Records.replay(BrokerTestBed.rows(100, 5), Instant.now());
        int total = replay.events().size();
        Records.send(bed.bootstrapServers(), replay.pageStatsRecords());
        ScoringApp app = bed.startApp("instance-1", Map.of());
        Records.Reader predictions = bed.reader(Topics.PREDICTIONS);
        Supplier<String> context = () -> "application state " + app.state() + "; broker log in " + bed.logFile("broker.log").toAbsolutePath();

        Records.PacedProducer producer = bed.closeLater(new Records.PacedProducer(bed.bootstrapServers(),
                replay.eventRecords(0, total * 3 / 4), EVENTS_PER_SECOND));
        predictions.readAtLeast(total / 8, BrokerTestBed.OUTPUT_TIMEOUT, context);
        int readAtStop = predictions.poll();
        bed.broker().stop();
        long stopped = System.nanoTime();
        bed.mark("broker stopped with " + readAtStop + " predictions read; holding it down " + BROKER_OUTAGE);
        LockSupport.parkNanos(BROKER_OUTAGE.toNanos());
        bed.broker().restart();
        bed.mark(String.format("broker up again %.1f s after the stop; application %s", (System.nanoTime() - stopped) / 1e9, app.state()));
        int sent = producer.stop();
        Records.send(bed.bootstrapServers(), replay.eventRecords(sent, total));
        bed.mark("the shop sent " + sent + " events through the outage, then the other " + (total - sent));
        assertThat(readAtStop).as("predictions read when the broker stopped").isBetween(1, total - 1);

        predictions.readAtLeast(readAtStop + 1, BrokerTestBed.OUTPUT_TIMEOUT, context);
        bed.mark(String.format("first prediction %.1f s after the stop", (System.nanoTime() - stopped) / 1e9));
        assertExactlyOnce(replay, predictions, context);
        assertNoDeadLetters();
        assertThat(app.state()).as("the same instance, running without a restart").isEqualTo(KafkaStreams.State.RUNNING);
    }

    /**
     * Redis, the prediction cache's shared tier, is killed and stays down 30 s under load, then comes back empty on
     * the same port. Scoring goes on from the model (the breaker opens, nothing waits on Redis), and once Redis is
     * back the tier is used again, without a restart.
     */
    @Test
    void shouldScoreEveryEventOnceWhileRedisIsDownForThirtySecondsAndUseItAgainAfter() {
        bed(Map.of());
        RedisServerProcess redis = bed.closeLater(RedisServerProcess.start());
        Records.Replay replay = Records.replay(BrokerTestBed.rows(100, 6), Instant.now());
        int total = replay.events().size();
        Records.send(bed.bootstrapServers(), replay.pageStatsRecords());
        ScoringApp app = bed.startApp("instance-1", Map.of("SCORING_CACHE", "on", "SCORING_REDIS_URI", redis.uri()));
        Records.Reader predictions = bed.reader(Topics.PREDICTIONS);
        Supplier<String> context = () -> "application state " + app.state() + ", Redis tier " + app.cache().redis().circuitState()
                + (app.cache().redis().connected() ? " connected" : " not connected");
        Await.until(BrokerTestBed.START_TIMEOUT, () -> app.cache().redis().connected(), context);

        int before = total / 5;
        Records.send(bed.bootstrapServers(), replay.eventRecords(0, before));
        predictions.readAtLeast(before, BrokerTestBed.OUTPUT_TIMEOUT, context);
        double redisBefore = redisRequests(app);
        assertThat(redisBefore).as("Redis lookups before the outage").isPositive();

        redis.kill();
        long killed = System.nanoTime();
        int during = total * 3 / 5;
        // Spread over the outage: the shop keeps sending while Redis is down.
        Records.PacedProducer producer = bed.closeLater(new Records.PacedProducer(bed.bootstrapServers(),
                replay.eventRecords(before, during), (int) Math.max(1, (during - before) / (REDIS_OUTAGE.toSeconds() - 5))));
        predictions.readAtLeast(before + 1, BrokerTestBed.OUTPUT_TIMEOUT, context);
        Await.until(BrokerTestBed.OUTPUT_TIMEOUT, () -> app.cache().redis().circuitState() == CircuitBreaker.State.OPEN, context);
        bed.mark("Redis killed; the breaker opened; holding it down " + REDIS_OUTAGE);
        LockSupport.parkNanos(Math.max(0, killed + REDIS_OUTAGE.toNanos() - System.nanoTime()));
        int readDuringOutage = predictions.poll();
        redis.restart();
        bed.mark("Redis back after " + REDIS_OUTAGE + " with " + readDuringOutage + " predictions read; " + context.get());
        int sent = before + producer.stop();
        assertThat(readDuringOutage).as("predictions written while Redis was down").isGreaterThan(before);

        // The rest in small batches, so that events keep coming while the tier reconnects and its breaker closes.
        int[] next = {sent};
        Await.until(BrokerTestBed.OUTPUT_TIMEOUT, () -> {
            if (next[0] < total) {
                int to = Math.min(total, next[0] + 50);
                Records.send(bed.bootstrapServers(), replay.eventRecords(next[0], to));
                next[0] = to;
            }
            predictions.poll();
            return app.cache().redis().circuitState() == CircuitBreaker.State.CLOSED && next[0] == total && redisKeys(redis) > 0;
        }, context);
        double redisAfterRestart = redisRequests(app);
        bed.mark("Redis tier in use again: " + context.get());

        assertExactlyOnce(replay, predictions, context);
        assertNoDeadLetters();
        assertThat(app.metrics().registry().get(ScoringMetrics.PREDICTION_REQUESTS).tag(ScoringMetrics.TAG_STATUS, "error")
                .counter().count()).as("scoring errors").isZero();
        assertThat(redisAfterRestart).as("Redis lookups, after it came back").isGreaterThan(redisBefore);
        assertThat(app.state()).isEqualTo(KafkaStreams.State.RUNNING);
    }

    /**
     * Under load, a second instance joins the first, then the first leaves (a clean close, as a scale-down or a
     * rolling update does): its partitions go to the other, which restores their sessions from the changelogs.
     * Stable instance ids (static membership) make the leave immediate (KAFKA-16514).
     */
    @Test
    void shouldLoseAndRepeatNothingWhenAnInstanceJoinsAndAnotherLeavesUnderLoad() {
        bed(Map.of());
        Records.Replay replay = Records.replay(BrokerTestBed.rows(120, 7), Instant.now());
        int total = replay.events().size();
        Records.send(bed.bootstrapServers(), replay.pageStatsRecords());
        ScoringApp first = bed.startApp("instance-1", Map.of("SCORING_INSTANCE_ID", "scoring-1"));
        ScoringApp[] second = {null};
        Supplier<String> context = () -> "instance 1 " + first.state() + " with " + BrokerTestBed.eventPartitions(first)
                + ", instance 2 " + (second[0] == null ? "not started" : second[0].state() + " with " + BrokerTestBed.eventPartitions(second[0]));
        Records.Reader predictions = bed.reader(Topics.PREDICTIONS);
        Records.PacedProducer producer = bed.closeLater(new Records.PacedProducer(bed.bootstrapServers(),
                replay.eventRecords(0, total * 3 / 4), 300));
        predictions.readAtLeast(total / 6, BrokerTestBed.OUTPUT_TIMEOUT, context);

        long joining = System.nanoTime();
        second[0] = bed.startApp("instance-2", Map.of("SCORING_INSTANCE_ID", "scoring-2"));
        // Joining moves no state at once: the assignor gives the new instance tasks once it has caught up (or at once
        // when the tasks' state is small), in one or more probing rebalances.
        Await.until(BrokerTestBed.OUTPUT_TIMEOUT, () -> !BrokerTestBed.eventPartitions(second[0]).isEmpty()
                && BrokerTestBed.eventPartitions(first).size() + BrokerTestBed.eventPartitions(second[0]).size() == BrokerTestBed.PARTITIONS, context);
        bed.mark(String.format("instance 2 joined and scores %.1f s after its start: %s", (System.nanoTime() - joining) / 1e9, context.get()));
        int readAtJoin = predictions.poll();
        predictions.readAtLeast(readAtJoin + 200, BrokerTestBed.OUTPUT_TIMEOUT, context);

        first.close();
        long left = System.nanoTime();
        Await.until(BrokerTestBed.OUTPUT_TIMEOUT, () -> second[0].state() == KafkaStreams.State.RUNNING
                && BrokerTestBed.eventPartitions(second[0]).size() == BrokerTestBed.PARTITIONS, context);
        bed.mark(String.format("instance 1 left; instance 2 owns every partition %.1f s later", (System.nanoTime() - left) / 1e9));
        int sent = producer.stop();
        Records.send(bed.bootstrapServers(), replay.eventRecords(sent, total));

        Records.Reader examples = bed.reader(Topics.TRAINING_EXAMPLES);
        assertExactlyOnce(replay, predictions, context);
        assertNoDeadLetters();
        Records.readAllOutput(examples, replay.sessionIds().size(), bed.admin(), BrokerTestBed.APPLICATION_ID, BrokerTestBed.OUTPUT_TIMEOUT, context);
        Records.assertEachExactlyOnce("training examples' sessionId", examples.values("sessionId"), replay.sessionIds(), context);
    }

    /** A bad or hostile record, where it was written, and the reason its dead letter must give. */
    private record Bad(String what, ProducerRecord<byte[], byte[]> record, RejectReason reason) {
    }

    /**
     * One record in ten is bad: the catalogue of docs/EVENTS.md, a value over the broker's limit, a value larger
     * than SCORING_MAX_EVENT_BYTES that the broker takes, JSON nested 30,000 deep, invalid UTF-8, a 10 KB key;
     * and valid events carry garbage headers. Each bad record is dead-lettered with its reason, each valid event
     * is predicted once, and the valid events go through at least 0.2 times as fast as without the poison.
     *
     * <p>0.2, not nearly 1: a tenth more records is a tenth more work, the two 1.5 MB values are copied whole
     * to the dead-letter topic, and the machine is shared, so the measure is noisy; what the ratio rules out is
     * poison that stalls the stream (a retry loop, a stuck thread, a restart), which would make it far smaller.
     */
    @Test
    void shouldDeadLetterPoisonAndHostileInputAtATenthOfTheStreamAndKeepTheRate() {
        bed(Map.of());
        Records.Replay replay = Records.replay(BrokerTestBed.rows(150, 8), Instant.now());
        int total = replay.events().size();
        int warmUp = total / 5;
        int cleanEnd = warmUp + (total - warmUp) / 2;
        Records.send(bed.bootstrapServers(), replay.pageStatsRecords());
        ScoringApp app = bed.startApp("instance-1", Map.of());
        Records.Reader predictions = bed.reader(Topics.PREDICTIONS);
        Supplier<String> context = () -> "application state " + app.state();

        // The over-large value never reaches the application: the broker refuses it (message.max.bytes), and the
        // shop's producer gets the error. A producer with a larger max.request.size is needed to get that far.
        byte[] fiveMegabytes = hugeValue(5 * 1024 * 1024);
        try (KafkaProducer<byte[], byte[]> large = Records.producer(bed.bootstrapServers(),
                Map.of(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 8 * 1024 * 1024, ProducerConfig.BUFFER_MEMORY_CONFIG, 16 * 1024 * 1024))) {
            assertThatThrownBy(() -> large.send(new ProducerRecord<>(Topics.EVENTS, Records.utf8("s-huge"), fiveMegabytes)).get(60, TimeUnit.SECONDS))
                    .as("a 5 MB value").isInstanceOf(ExecutionException.class).hasCauseInstanceOf(RecordTooLargeException.class);
        }
        bed.mark("the broker refused the 5 MB value");

        Records.send(bed.bootstrapServers(), replay.eventRecords(0, warmUp));
        predictions.readAtLeast(warmUp, BrokerTestBed.OUTPUT_TIMEOUT, context);
        double cleanRate = drain(replay.eventRecords(warmUp, cleanEnd), predictions, cleanEnd, context);

        List<ProducerRecord<byte[], byte[]>> mixed = new ArrayList<>();
        Map<Integer, Bad> badByIndex = new HashMap<>();
        List<ReplayRecord> poisoned = replay.events().subList(cleanEnd, total);
        for (int i = 0; i < poisoned.size(); i++) {
            ProducerRecord<byte[], byte[]> good = Records.toProducerRecord(poisoned.get(i));
            if (i % 7 == 3) {
                addGarbageHeaders(good, i);
            }
            mixed.add(good);
            if (i % 9 == 4) {
                Bad bad = bad(badByIndex.size(), poisoned.get(i));
                badByIndex.put(mixed.size(), bad);
                mixed.add(bad.record());
            }
        }
        long goodInMixed = mixed.size() - badByIndex.size();
        double poisonedRate;
        List<RecordMetadata> written;
        long began = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = Records.producer(bed.bootstrapServers(),
                Map.of(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 3 * 1024 * 1024))) {
            written = sendAll(producer, mixed);
        }
        predictions.readAtLeast(total, BrokerTestBed.OUTPUT_TIMEOUT, context);
        poisonedRate = goodInMixed / ((System.nanoTime() - began) / 1e9);
        bed.mark(String.format("valid events per second: %.0f without poison, %.0f with %d bad records among %d (%.1f %%)", cleanRate,
                poisonedRate, badByIndex.size(), mixed.size(), 100.0 * badByIndex.size() / mixed.size()));

        Records.Reader deadLetters = bed.reader(Topics.EVENTS_DLQ);
        assertExactlyOnce(replay, predictions, context);
        Records.readAllOutput(deadLetters, badByIndex.size(), bed.admin(), BrokerTestBed.APPLICATION_ID, BrokerTestBed.OUTPUT_TIMEOUT, context);
        Map<String, Bad> badBySource = new HashMap<>();
        badByIndex.forEach((index, bad) -> badBySource.put(written.get(index).partition() + "/" + written.get(index).offset(), bad));
        assertThat(deadLetters.count()).as("dead letters").isEqualTo(badByIndex.size());
        Map<RejectReason, Integer> byReason = new java.util.TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> letter : deadLetters.records()) {
            String source = Records.header(letter, DeadLetterHeaders.SOURCE_PARTITION) + "/" + Records.header(letter, DeadLetterHeaders.SOURCE_OFFSET);
            Bad bad = badBySource.remove(source);
            assertThat(bad).as("the bad record at %s (reason %s)", source, Records.header(letter, DeadLetterHeaders.REASON)).isNotNull();
            assertThat(Records.header(letter, DeadLetterHeaders.REASON)).as(bad.what()).isEqualTo(bad.reason().code());
            assertThat(letter.key()).as(bad.what()).isEqualTo(bad.record().key());
            assertThat(letter.value()).as(bad.what()).isEqualTo(bad.record().value());
            byReason.merge(bad.reason(), 1, Integer::sum);
        }
        assertThat(badBySource).as("bad records without a dead letter").isEmpty();
        bed.mark("dead letters by reason: " + byReason);
        // Every reason a record is refused for on its own; the others (duplicate-event, session-closed,
        // processing-error) depend on the records before it or on a bug, not on the record.
        assertThat(byReason.keySet()).as("reasons seen").isEqualTo(java.util.EnumSet.range(RejectReason.NULL_VALUE, RejectReason.KEY_MISMATCH));
        assertThat(app.state()).isEqualTo(KafkaStreams.State.RUNNING);
        assertThat(poisonedRate / cleanRate).as("valid events per second with a tenth of poison, relative to without").isGreaterThanOrEqualTo(MIN_RATE_WITH_POISON);
    }

    /**
     * The state directory is on a small tmpfs, filled up while the application scores. It must say so and stop
     * (exit 1) without committing input past the outputs it wrote; restarted on a roomy disk with the same
     * instance id, it restores its state from the changelogs and goes on: every event exactly once.
     */
    @Test
    void shouldStopClearlyWhenTheStateDiskIsFullAndLoseNothingAfterARestartOnAnotherDisk() throws IOException {
        bed(Map.of());
        Path small = Files.createDirectories(work.resolve("state-small"));
        // Room for every store to open (two stream threads open theirs at once; 16 MB ran out at the opening
        // once): the test fills what is left itself.
        Assumptions.assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", small.toString()) == 0,
                "mounting a 64 MB tmpfs needs root (or CAP_SYS_ADMIN); the disk-full test is skipped without it");
        bed.closeLater(() -> {
            if (run("umount", small.toString()) != 0) {
                run("umount", "-l", small.toString());
            }
        });
        Records.Replay replay = Records.replay(BrokerTestBed.rows(120, 9), Instant.now());
        int total = replay.events().size();
        Records.send(bed.bootstrapServers(), replay.pageStatsRecords());
        Map<String, String> settings = new HashMap<>(bed.settings("process"));
        settings.put("SCORING_INSTANCE_ID", "scoring-0");
        settings.put("SCORING_STATE_DIR", small.toString());
        // Under exactly-once Kafka Streams writes a running task's state to disk only when RocksDB flushes a
        // memtable; the smallest memory bound makes it flush within the test's few thousand session updates.
        settings.put("SCORING_ROCKSDB_MEMORY_MB", "4");
        ScoringProcess process = bed.closeLater(new ScoringProcess(settings, bed.logFile("scoring-process.log")));
        Records.Reader predictions = bed.reader(Topics.PREDICTIONS);
        Supplier<String> context = () -> "process alive: " + process.isAlive() + "; " + process.outputTail();

        process.start();
        Records.PacedProducer producer = bed.closeLater(new Records.PacedProducer(bed.bootstrapServers(),
                replay.eventRecords(0, total * 3 / 4), EVENTS_PER_SECOND * 2));
        predictions.readAtLeast(total / 8, BrokerTestBed.OUTPUT_TIMEOUT, context);
        long filler = fill(small.resolve("filler"));
        int readAtFull = predictions.poll();
        bed.mark("filled the state disk (" + filler / 1024 + " KiB of filler) with " + readAtFull + " predictions read");

        Await.until(BrokerTestBed.OUTPUT_TIMEOUT, () -> !process.isAlive(), context);
        int exit = process.awaitExit();
        int readAtExit = predictions.poll();
        bed.mark("the process exited with " + exit + " and " + readAtExit + " predictions read");
        String output = Files.readString(bed.logFile("scoring-process.log"), StandardCharsets.UTF_8);
        assertThat(exit).as("exit code of the process whose disk is full").isEqualTo(1);
        assertThat(output).as("its log").contains("No space left on device").contains("Stream thread failed");

        int sent = producer.stop();
        Records.send(bed.bootstrapServers(), replay.eventRecords(sent, total));
        settings.put("SCORING_STATE_DIR", work.resolve("state-roomy").toString());
        ScoringProcess restarted = bed.closeLater(new ScoringProcess(settings, bed.logFile("scoring-process-restarted.log")));
        restarted.start();
        Supplier<String> restartContext = () -> "restarted process alive: " + restarted.isAlive() + "; " + restarted.outputTail();
        Records.Reader examples = bed.reader(Topics.TRAINING_EXAMPLES);
        assertExactlyOnce(replay, predictions, restartContext);
        assertNoDeadLetters();
        Records.readAllOutput(examples, replay.sessionIds().size(), bed.admin(), BrokerTestBed.APPLICATION_ID, BrokerTestBed.OUTPUT_TIMEOUT, restartContext);
        Records.assertEachExactlyOnce("training examples' sessionId", examples.values("sessionId"), replay.sessionIds(), restartContext);
    }

    /**
     * Events a day ahead of the clock and a day behind it, on a broker with Kafka 4's default timestamp check (a
     * record more than an hour ahead is refused). As docs/EVENTS.md says: an event further ahead than
     * SCORING_MAX_EVENT_AHEAD (an hour) is dead-lettered as bad-timestamp, and the sessions around it are not
     * disturbed; an event a day behind is scored, as a late event in an open session, or as a session of its own
     * that the expiry sweep closes by timeout.
     */
    @Test
    void shouldDeadLetterAnEventADayAheadAndScoreOneADayBehindAsDocumented() {
        bed(KAFKA_DEFAULT_TIMESTAMP_CHECK);
        Records.Replay replay = Records.replay(BrokerTestBed.rows(40, 10), Instant.now());
        Records.send(bed.bootstrapServers(), replay.pageStatsRecords());
        ScoringApp app = bed.startApp("instance-1", Map.of("SCORING_EXPIRY_INTERVAL", "PT1S"));
        Supplier<String> context = () -> "application state " + app.state() + "; " + app.failure().orElse("no failure");

        Instant now = Instant.now();
        ReplayRecord first = replay.events().get(0);
        String openSession = first.key();
        ProducerRecord<byte[], byte[]> ahead = event("skew-ahead-1", "skew-ahead", now.plus(Duration.ofDays(1)));
        ProducerRecord<byte[], byte[]> behind = event("skew-behind-1", "skew-behind", now.minus(Duration.ofDays(1)));
        ProducerRecord<byte[], byte[]> lateInOpenSession = event("skew-late-1", openSession, now.minus(Duration.ofDays(1)));
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        records.add(Records.toProducerRecord(first));
        // Right after the session's first event: the session is open, and the day-old event is late in it.
        records.add(lateInOpenSession);
        records.add(ahead);
        records.add(behind);
        records.addAll(replay.eventRecords(1, replay.events().size()));
        Records.send(bed.bootstrapServers(), records);
        bed.mark("sent " + replay.events().size() + " events of now, one a day ahead, two a day behind");

        List<String> expectedPredictions = new ArrayList<>(replay.eventIds());
        expectedPredictions.add("skew-behind-1");
        expectedPredictions.add("skew-late-1");
        Set<String> expectedSessions = new TreeSet<>(replay.sessionIds());
        expectedSessions.add("skew-behind");
        Records.Reader predictions = bed.reader(Topics.PREDICTIONS);
        Records.Reader examples = bed.reader(Topics.TRAINING_EXAMPLES);
        Records.Reader deadLetters = bed.reader(Topics.EVENTS_DLQ);
        Records.readAllOutput(predictions, expectedPredictions.size(), bed.admin(), BrokerTestBed.APPLICATION_ID, BrokerTestBed.OUTPUT_TIMEOUT, context);
        // The day-old session has no session_end: the expiry sweep (once a second here) closes it.
        Records.readAllOutput(examples, expectedSessions.size(), bed.admin(), BrokerTestBed.APPLICATION_ID, BrokerTestBed.OUTPUT_TIMEOUT, context);
        Records.readAllOutput(deadLetters, 1, bed.admin(), BrokerTestBed.APPLICATION_ID, BrokerTestBed.OUTPUT_TIMEOUT, context);

        Records.assertEachExactlyOnce("predictions' eventId", predictions.values("eventId"), expectedPredictions, context);
        Records.assertEachExactlyOnce("training examples' sessionId", examples.values("sessionId"), expectedSessions, context);
        Map<String, String> closedBy = examples.records().stream().collect(Collectors.toMap(
                r -> Records.field(r.value(), "sessionId"), r -> Records.field(r.value(), "closedBy")));
        assertThat(closedBy.get("skew-behind")).as("the day-old session").isEqualTo("timeout");
        assertThat(closedBy.entrySet().stream().filter(e -> !e.getKey().equals("skew-behind")).map(Map.Entry::getValue))
                .as("sessions of now: the event a day ahead must not close them early").containsOnly("session_end");
        Map<String, ConsumerRecord<byte[], byte[]>> predictionById = predictions.records().stream()
                .collect(Collectors.toMap(r -> Records.field(r.value(), "eventId"), r -> r));
        assertThat(tree(predictionById.get("skew-late-1").value()).path("late").asBoolean()).as("the day-old event in an open session").isTrue();
        assertThat(tree(predictionById.get("skew-behind-1").value()).has("late")).as("the day-old session's own event").isFalse();
        ConsumerRecord<byte[], byte[]> letter = deadLetters.records().get(0);
        assertThat(Records.header(letter, DeadLetterHeaders.REASON)).isEqualTo(RejectReason.BAD_TIMESTAMP.code());
        assertThat(Records.header(letter, DeadLetterHeaders.DETAIL)).contains("SCORING_MAX_EVENT_AHEAD");
        assertThat(letter.value()).isEqualTo(ahead.value());
        assertThat(app.state()).isEqualTo(KafkaStreams.State.RUNNING);
    }

    /** Reads until every event of the replay has its prediction and all input is committed; asserts each exactly once. */
    private void assertExactlyOnce(Records.Replay replay, Records.Reader predictions, Supplier<String> context) {
        Records.readAllOutput(predictions, replay.events().size(), bed.admin(), BrokerTestBed.APPLICATION_ID, BrokerTestBed.OUTPUT_TIMEOUT, context);
        bed.mark("produced " + replay.events().size() + " events; read " + predictions.count() + " predictions");
        Records.assertEachExactlyOnce("predictions' eventId", predictions.values("eventId"), replay.eventIds(), context);
    }

    /** Call after {@link #assertExactlyOnce}: an event scored twice would be a duplicate-event here. */
    private void assertNoDeadLetters() {
        assertThat(bed.readDeadLetters()).as("dead letters of valid events").isEmpty();
    }

    /** Sends and waits until {@code expectedTotal} predictions are read; the records' predictions per second. */
    private double drain(List<ProducerRecord<byte[], byte[]>> records, Records.Reader predictions, int expectedTotal, Supplier<String> context) {
        long began = System.nanoTime();
        Records.send(bed.bootstrapServers(), records);
        predictions.readAtLeast(expectedTotal, BrokerTestBed.OUTPUT_TIMEOUT, context);
        return records.size() / ((System.nanoTime() - began) / 1e9);
    }

    private static List<RecordMetadata> sendAll(KafkaProducer<byte[], byte[]> producer, List<ProducerRecord<byte[], byte[]>> records) {
        List<java.util.concurrent.Future<RecordMetadata>> sent = new ArrayList<>();
        records.forEach(record -> sent.add(producer.send(record)));
        producer.flush();
        List<RecordMetadata> written = new ArrayList<>();
        for (java.util.concurrent.Future<RecordMetadata> future : sent) {
            try {
                written.add(future.get(60, TimeUnit.SECONDS));
            } catch (Exception e) {
                throw new AssertionError("could not produce the mixed stream", e);
            }
        }
        return written;
    }

    /** The n-th bad record, next to (and in the partition of) a valid event; it cycles through every kind. */
    private static Bad bad(int n, ReplayRecord next) {
        byte[] key = Records.utf8(next.key());
        ObjectNode json = (ObjectNode) tree(next.value());
        json.put("eventId", "bad-" + n);
        String session = next.key();
        String valid = new String(bytes(json), StandardCharsets.UTF_8);
        return switch (n % 17) {
            case 0 -> bad("null value", key, null, RejectReason.NULL_VALUE);
            case 1 -> bad("empty value", key, new byte[0], RejectReason.EMPTY_VALUE);
            case 2 -> bad("70 KB value", key, bytes(json.put("pad", "x".repeat(70_000))), RejectReason.TOO_LARGE);
            case 3 -> bad("truncated JSON", key, Records.utf8(valid.substring(0, valid.length() / 2)), RejectReason.MALFORMED_JSON);
            case 4 -> bad("a JSON array", key, Records.utf8("[" + valid + "]"), RejectReason.NOT_AN_OBJECT);
            case 5 -> bad("no visitorId", key, bytes(json.without("visitorId")), RejectReason.MISSING_FIELD);
            case 6 -> bad("a string os", key, bytes(json.put("os", "linux")), RejectReason.INVALID_FIELD);
            case 7 -> bad("type hover", key, bytes(json.put("type", "hover")), RejectReason.UNKNOWN_TYPE);
            case 8 -> bad("category checkout", key, bytes(json.put("type", "page_view").set("page", tree(
                    Records.utf8("{\"id\":\"p\",\"category\":\"checkout\"}")))), RejectReason.UNKNOWN_CATEGORY);
            case 9 -> bad("timestamp yesterday", key, bytes(json.put("timestamp", "yesterday")), RejectReason.BAD_TIMESTAMP);
            case 10 -> bad("another session's key", Records.utf8(session + "-elsewhere"), bytes(json), RejectReason.KEY_MISMATCH);
            case 11 -> bad("JSON nested 30,000 deep", key, Records.utf8("{\"eventId\":" + "[".repeat(30_000) + "]".repeat(30_000) + "}"),
                    RejectReason.MALFORMED_JSON);
            case 12 -> bad("invalid UTF-8", key, invalidUtf8(valid), RejectReason.MALFORMED_JSON);
            case 13 -> bad("a 10 KB key", Records.utf8("k".repeat(10 * 1024)), bytes(json), RejectReason.KEY_MISMATCH);
            case 14 -> {
                // A shop's copy of the application's internal headers, and garbage beside them.
                Bad forged = bad("forged internal header, malformed JSON", key, Records.utf8("{\"eventId\":"), RejectReason.MALFORMED_JSON);
                forged.record().headers().add("scoring.origin.topic", Records.utf8("elsewhere"));
                addGarbageHeaders(forged.record(), n);
                yield forged;
            }
            // Two of them: each is a fetch and a dead-letter write of its own.
            case 15 -> n / 17 < 2 ? bad("1.5 MB value", key, hugeValue(1_500_000), RejectReason.TOO_LARGE)
                    : bad("a 66 KB string", key, bytes(json.put("visitorId", "v".repeat(66_000))), RejectReason.TOO_LARGE);
            default -> bad("a blank shopId", key, bytes(json.put("shopId", "   ")), RejectReason.INVALID_FIELD);
        };
    }

    private static Bad bad(String what, byte[] key, byte[] value, RejectReason reason) {
        return new Bad(what, new ProducerRecord<>(Topics.EVENTS, key, value), reason);
    }

    /** Headers no shop should send: binary and empty values, odd names, a broken traceparent, two tracestates. */
    private static void addGarbageHeaders(ProducerRecord<byte[], byte[]> record, int seed) {
        byte[] binary = new byte[64];
        new java.util.Random(seed).nextBytes(binary);
        record.headers().add("\u0000\uFFFD\uD83D\uDE00 odd name", binary);
        record.headers().add("", new byte[0]);
        record.headers().add("null-value", null);
        record.headers().add(TraceContext.TRACEPARENT, binary);
        record.headers().add(TraceContext.TRACESTATE, Records.utf8("x".repeat(2_000)));
        record.headers().add(DeadLetterHeaders.REASON, Records.utf8("forged"));
        for (int i = 0; i < 50; i++) {
            record.headers().add("h" + i, binary);
        }
    }

    /** A value whose JSON text is broken by bytes that are not UTF-8 (a lone continuation byte, then 0xFF). */
    private static byte[] invalidUtf8(String valid) {
        byte[] text = Records.utf8(valid.replace("\"visitorId\":\"", "\"visitorId\":\"@@"));
        String marker = "@@";
        int at = valid.replace("\"visitorId\":\"", "\"visitorId\":\"@@").indexOf(marker);
        byte[] copy = text.clone();
        copy[at] = (byte) 0x80;
        copy[at + 1] = (byte) 0xFF;
        return copy;
    }

    private static byte[] hugeValue(int size) {
        byte[] value = new byte[size];
        java.util.Arrays.fill(value, (byte) 'x');
        value[0] = '"';
        value[size - 1] = '"';
        return value;
    }

    private static ProducerRecord<byte[], byte[]> event(String eventId, String sessionId, Instant time) {
        String json = "{\"eventId\":\"" + eventId + "\",\"type\":\"page_view\",\"shopId\":\"" + Records.SHOP + "\",\"sessionId\":\""
                + sessionId + "\",\"visitorId\":\"v-skew\",\"timestamp\":\"" + time + "\",\"page\":{\"id\":\"p-skew\",\"category\":\"product_related\"}}";
        return new ProducerRecord<>(Topics.EVENTS, Records.utf8(sessionId), Records.utf8(json));
    }

    /** Writes zeros to {@code file} until the disk is full; the bytes written. */
    private static long fill(Path file) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
        long written = 0;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            while (true) {
                chunk.clear();
                written += channel.write(chunk);
            }
        } catch (IOException full) {
            if (!String.valueOf(full.getMessage()).contains("No space left")) {
                throw full;
            }
            return written;
        }
    }

    /** Runs a command to its end; its exit code (its output goes to the test's output). */
    private static int run(String... command) {
        try {
            Process process = new ProcessBuilder(command).inheritIO().start();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return -1;
            }
            return process.exitValue();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static com.fasterxml.jackson.databind.JsonNode tree(byte[] json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] bytes(ObjectNode json) {
        try {
            return Json.MAPPER.writeValueAsBytes(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Keys in Redis: it came back empty, so any is a score the application wrote after it returned. */
    private static long redisKeys(RedisServerProcess redis) {
        try (RedisClient client = redis.client(); StatefulRedisConnection<String, String> connection = client.connect()) {
            return connection.sync().dbsize();
        } catch (RuntimeException notYet) {
            return 0;
        }
    }

    private static double redisRequests(ScoringApp app) {
        return app.metrics().registry().get(ScoringMetrics.CACHE_REQUESTS).tag(ScoringMetrics.TAG_TIER, ScoringMetrics.TIER_REDIS)
                .counter().count();
    }
}
