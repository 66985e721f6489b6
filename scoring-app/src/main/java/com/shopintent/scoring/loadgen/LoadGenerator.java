package com.shopintent.scoring.loadgen;

import com.shopintent.scoring.enrich.SpecialDayCalendar;
import com.shopintent.scoring.events.Json;
import com.shopintent.scoring.features.DatasetRow;
import com.shopintent.scoring.replay.ReplayRecord;
import com.shopintent.scoring.replay.SessionReplayer;
import com.shopintent.scoring.topology.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.HdrHistogram.Recorder;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Traffic like many real shops: sessions drawn from the data set's rows, spread over shops with
 * Zipf-like popularity, interleaved in event time, sent open-loop at a fixed rate (the send times
 * do not wait for the pipeline; falling behind the schedule is measured and reported). It reads
 * the predictions back ({@code read_committed}) and measures each event's end-to-end latency.
 */
public final class LoadGenerator {

    /**
     * Settings of one run.
     *
     * @param duration how long the measured part sends
     * @param warmUp   the least time the load runs before it is measured, at the same rate and without a
     *                 pause: the warm-up goes on until the pipeline has caught up, at most twice as
     *                 long ({@link WarmUpEnd}); zero measures from the first event
     * @param speedUp  how much faster than the wall clock the sessions' event time runs; 60 plays a
     *                 minute of shopping per second, so sessions (and insight windows) complete within a short run
     */
    public record Settings(double rate, Duration duration, Duration warmUp, int shops, double badFraction, long seed, double speedUp,
                           Duration drainTimeout) {
        public Settings {
            if (!(rate > 0 && rate <= 1_000_000)) {
                throw new IllegalArgumentException("--rate must be within (0, 1000000] events/s, got " + rate);
            }
            if (duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException("--duration must be positive, got " + duration);
            }
            if (warmUp.isNegative()) {
                throw new IllegalArgumentException("--warm-up must not be negative, got " + warmUp);
            }
            if (shops < 1 || shops > 100_000) {
                throw new IllegalArgumentException("--shops must be within 1..100000, got " + shops);
            }
            if (!(badFraction >= 0 && badFraction < 1)) {
                throw new IllegalArgumentException("--bad-fraction must be within [0, 1), got " + badFraction);
            }
            if (!(speedUp >= 1)) {
                throw new IllegalArgumentException("--speed-up must be at least 1, got " + speedUp);
            }
        }
    }

    /** A snapshot for live progress. */
    public record Progress(long produced, long predicted, long deadLettered, double predictionsPerSecond,
                           double p50Ms, double p95Ms, double p99Ms, double behindMs) {
    }

    /** How many times {@link #sendAll} offers a record the producer reported failed. */
    static final int SEND_ROUNDS = 3;
    private static final Logger LOG = LoggerFactory.getLogger(LoadGenerator.class);

    /**
     * The least time the sender parks: at 10,000 events/s a park for each event (100 µs) was a fifth
     * of the load generator's CPU, on the cores the pipeline it measures runs on. Parking at least a
     * millisecond sends the events that fell due meanwhile together, each at most a tick late; an
     * event's latency is measured from when it was sent.
     */
    static final long SEND_TICK_NANOS = 1_000_000;

    /** Behind schedule by more than this, the run reports that it could not keep the rate. */
    static final double BEHIND_LIMIT_MS = 1000;

    private final Map<String, Object> clientProperties;
    private final List<DatasetRow> rows;
    private final SpecialDayCalendar calendar;
    private final Settings settings;
    private final Map<String, Long> sentAt = new ConcurrentHashMap<>();
    private final PredictedIds predictedIds = new PredictedIds();
    private final AtomicLong predicted = new AtomicLong();
    private final AtomicLong deadLettered = new AtomicLong();
    private final AtomicLong sendErrors = new AtomicLong();
    /** Every prediction's latency, for the progress lines. */
    private final Recorder latency = new Recorder(3);
    private final Phase warmUp = new Phase();
    private final Phase measured = new Phase();
    /** Monotonic time the measured part began: an event sent before it is the warm-up's. */
    private volatile long measuredFromNanos = Long.MAX_VALUE;
    private volatile boolean stopRequested;
    private volatile boolean consuming = true;
    private volatile long firstPredictionMillis;

    public LoadGenerator(Map<String, Object> clientProperties, List<DatasetRow> rows, SpecialDayCalendar calendar, Settings settings) {
        this.clientProperties = Map.copyOf(clientProperties);
        this.rows = List.copyOf(rows);
        this.calendar = calendar;
        this.settings = settings;
    }

    /** Wall-clock time (epoch ms) the first prediction was read, 0 before. */
    public long firstPredictionMillis() {
        return firstPredictionMillis;
    }

    /** Asks a running {@link #run} to stop sending and report what it has (for Ctrl-C). */
    public void stop() {
        stopRequested = true;
    }

    /**
     * Sends the load, the warm-up and then the measured part without a pause, and reads the
     * predictions back until each sent event's has come or the drain timeout passed.
     *
     * @return the measured part's report, with the warm-up's inside it
     */
    public LoadReport run(Consumer<Progress> progress, Duration progressEvery) throws InterruptedException {
        Random random = new Random(settings.seed());
        String[] shopOfRow = shopOfRow(random);
        SessionReplayer replayer = new SessionReplayer(calendar);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProperties(), new StringSerializer(), new ByteArraySerializer());
             KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(consumerProperties(), new StringDeserializer(), new ByteArrayDeserializer())) {
            sendPageStats(producer, replayer, shopOfRow, rows);
            startAtEnd(consumer);
            Thread reader = new Thread(() -> read(consumer), "loadgen-reader");
            reader.start();
            try {
                return send(producer, random, shopOfRow, replayer, progress, progressEvery);
            } finally {
                consuming = false;
                reader.join();
            }
        }
    }

    /**
     * A backlog for a benchmark to drain: the page statistics, then {@code events} events of the
     * same interleaved sessions {@link #run} sends (the settings' rate and speed-up set how many
     * sessions are open at once), as fast as the producer takes them, reading nothing back. A
     * record the producer reports failed is sent again (a backlog is a count, not a timing).
     *
     * @throws IllegalStateException when a record could not be written after {@link #SEND_ROUNDS} rounds
     */
    public void preload(long events) {
        Random random = new Random(settings.seed());
        String[] shopOfRow = shopOfRow(random);
        SessionReplayer replayer = new SessionReplayer(calendar);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProperties(), new StringSerializer(), new ByteArraySerializer())) {
            sendPageStats(producer, replayer, shopOfRow, rows);
            long startWall = System.currentTimeMillis();
            SessionSchedule schedule = new SessionSchedule(rows, shopOfRow, replayer, random, Long.toString(startWall, 36),
                    SessionSchedule.concurrencyFor(rows, settings.rate(), settings.speedUp()), startWall * 1_000_000L);
            Iterator<ProducerRecord<String, byte[]>> backlog = Stream.generate(() -> schedule.next().record().producerRecord())
                    .limit(events).iterator();
            sendAll(producer, backlog, events + " events");
        }
    }

    /**
     * Sends every record, flushes, and sends again the ones the producer reported failed, up to
     * {@link #SEND_ROUNDS} rounds: a broker that is briefly unavailable (a leader election, a slow
     * host) costs a retry, not the run.
     *
     * @throws IllegalStateException naming the first error when records are still failing after the last round
     */
    static void sendAll(Producer<String, byte[]> producer, Iterator<ProducerRecord<String, byte[]>> records, String what) {
        Queue<ProducerRecord<String, byte[]>> failed = new ConcurrentLinkedQueue<>();
        AtomicReference<Exception> firstError = new AtomicReference<>();
        Iterator<ProducerRecord<String, byte[]>> round = records;
        for (int attempt = 1; ; attempt++) {
            while (round.hasNext()) {
                ProducerRecord<String, byte[]> record = round.next();
                producer.send(record, (metadata, error) -> {
                    if (error != null) {
                        firstError.compareAndSet(null, error);
                        failed.add(record);
                    }
                });
            }
            producer.flush();
            if (failed.isEmpty()) {
                return;
            }
            List<ProducerRecord<String, byte[]>> again = new ArrayList<>(failed);
            failed.clear();
            if (attempt == SEND_ROUNDS) {
                throw new IllegalStateException(again.size() + " of " + what + " could not be written after " + SEND_ROUNDS
                        + " rounds; the first error: " + firstError.get(), firstError.get());
            }
            LOG.warn("{} of {} were not written ({}); sending them again", again.size(), what, firstError.get().toString());
            round = again.iterator();
        }
    }

    private String[] shopOfRow(Random random) {
        ShopPopularity popularity = new ShopPopularity(settings.shops(), 1.0);
        String[] shopOfRow = new String[rows.size()];
        for (int i = 0; i < shopOfRow.length; i++) {
            shopOfRow[i] = ShopPopularity.shopId(popularity.sample(random));
        }
        return shopOfRow;
    }

    /** Page statistics first: every page the sessions can view has its statistics in place. */
    private static void sendPageStats(KafkaProducer<String, byte[]> producer, SessionReplayer replayer, String[] shopOfRow,
                                      List<DatasetRow> rows) {
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            for (ReplayRecord stats : replayer.pageStats(rows.get(i), shopOfRow[i])) {
                records.add(stats.producerRecord());
            }
        }
        sendAll(producer, records.iterator(), records.size() + " page statistics");
    }

    private LoadReport send(KafkaProducer<String, byte[]> producer, Random random, String[] shopOfRow, SessionReplayer replayer,
                            Consumer<Progress> progress, Duration progressEvery) throws InterruptedException {
        long startWall = System.currentTimeMillis();
        long start = System.nanoTime();
        SessionSchedule schedule = new SessionSchedule(rows, shopOfRow, replayer, random, Long.toString(startWall, 36),
                SessionSchedule.concurrencyFor(rows, settings.rate(), settings.speedUp()), startWall * 1_000_000L);
        double interval = 1e9 / settings.rate();
        WarmUpEnd warmUpEnd = WarmUpEnd.of(settings.warmUp(), settings.rate());
        Sent warmUpSent = null;
        long end = Long.MAX_VALUE;
        long produced = 0;
        long bad = 0;
        double maxBehind = 0;
        long nextProgress = start + progressEvery.toNanos();
        long lastPredicted = 0;
        long lastProgress = start;
        for (long slot = 0; ; slot++) {
            long due = start + (long) (slot * interval);
            long now = System.nanoTime();
            if (now < due) {
                LockSupport.parkNanos(Math.max(due - now, SEND_TICK_NANOS));
                now = System.nanoTime();
            }
            // A stop during the warm-up ends it: what was sent is the warm-up's, and nothing is measured.
            if (warmUpSent == null && (stopRequested || warmUpEnd.reached(due - start, sentAt.size()))) {
                measuredFromNanos = now;
                warmUpSent = new Sent(produced, bad, (now - start) / 1e9, maxBehind);
                produced = 0;
                bad = 0;
                maxBehind = 0;
                end = due + settings.duration().toNanos();
            }
            if (due >= end || stopRequested) {
                break;
            }
            maxBehind = Math.max(maxBehind, (now - due) / 1e6);
            if (settings.badFraction() > 0 && random.nextDouble() < settings.badFraction()) {
                String session = "bad-" + slot;
                producer.send(new ProducerRecord<>(Topics.EVENTS, session,
                        BadRecords.draw(random, shopOfRow[0], session, Instant.now())));
                bad++;
                continue;
            }
            SessionSchedule.Scheduled next = schedule.next();
            ReplayRecord event = next.record();
            String eventId = next.eventId();
            sentAt.put(eventId, System.nanoTime());
            // A failed send stays in sentAt: it is counted as missing, and as a send error.
            producer.send(event.producerRecord(), (metadata, error) -> {
                if (error != null) {
                    sendErrors.incrementAndGet();
                }
            });
            produced++;
            if (now >= nextProgress) {
                long predictedNow = predicted.get();
                LoadReport.Latency recent = LoadReport.Latency.of(latency.getIntervalHistogram());
                long producedInRun = (warmUpSent == null ? 0 : warmUpSent.produced()) + produced;
                progress.accept(new Progress(producedInRun, predictedNow, deadLettered.get(),
                        (predictedNow - lastPredicted) / ((now - lastProgress) / 1e9), recent.p50(), recent.p95(),
                        recent.p99(), (now - due) / 1e6));
                lastPredicted = predictedNow;
                lastProgress = now;
                nextProgress = now + progressEvery.toNanos();
            }
        }
        producer.flush();
        Sent measuredSent = new Sent(produced, bad, (System.nanoTime() - measuredFromNanos) / 1e9, maxBehind);
        awaitDrain(warmUpSent.bad() + bad);
        long missingWarmUp = sentAt.values().stream().filter(sent -> sent < measuredFromNanos).count();
        long missing = sentAt.size() - missingWarmUp;
        long duplicates = predictedIds.duplicates();
        long sessions = schedule.sessionsStarted();
        LoadReport warmUpReport = settings.warmUp().isZero() ? null
                : report(warmUp, warmUpSent, missingWarmUp, duplicates, sessions, null);
        return report(measured, measuredSent, missing, duplicates, sessions, warmUpReport);
    }

    /** What one part of a run sent. */
    private record Sent(long produced, long bad, double seconds, double maxBehindMs) {
    }

    /** What the events sent in one part of a run (the warm-up, the measured part) came to. */
    private static final class Phase {
        final AtomicLong predicted = new AtomicLong();
        final Recorder latency = new Recorder(3);
        final LatencySplit split = new LatencySplit();
    }

    /** A part's report; the counts an event's part is not known for are the whole run's. */
    private LoadReport report(Phase phase, Sent sent, long missing, long duplicates, long sessions, LoadReport warmUpReport) {
        return new LoadReport(settings.rate(), sent.seconds(), sent.produced(), sent.bad(), sendErrors.get(), phase.predicted.get(),
                missing, duplicates, deadLettered.get(), sessions, sent.produced() / sent.seconds(),
                sent.maxBehindMs() > BEHIND_LIMIT_MS, sent.maxBehindMs(), LoadReport.Latency.of(phase.latency.getIntervalHistogram()),
                phase.split.result(), warmUpReport);
    }

    /** Waits, up to the drain timeout, for every sent event's prediction and every bad record's dead letter. */
    private void awaitDrain(long bad) throws InterruptedException {
        long deadline = System.nanoTime() + settings.drainTimeout().toNanos();
        while (System.nanoTime() < deadline && (!sentAt.isEmpty() || deadLettered.get() < bad)) {
            Thread.sleep(50);
        }
    }

    private void read(KafkaConsumer<String, byte[]> consumer) {
        while (consuming) {
            for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                long now = System.nanoTime();
                if (record.topic().equals(Topics.EVENTS_DLQ)) {
                    deadLettered.incrementAndGet();
                    continue;
                }
                ReadPrediction prediction = ReadPrediction.of(record.value());
                predictedIds.add(prediction.eventId());
                Long sent = sentAt.remove(prediction.eventId());
                if (sent != null) {
                    if (firstPredictionMillis == 0) {
                        firstPredictionMillis = System.currentTimeMillis();
                    }
                    predicted.incrementAndGet();
                    long micros = Math.max(0, (now - sent) / 1000);
                    latency.recordValue(micros);
                    Phase phase = sent < measuredFromNanos ? warmUp : measured;
                    phase.predicted.incrementAndGet();
                    phase.latency.recordValue(micros);
                    if (prediction.scoredAtMillis() != ReadPrediction.UNKNOWN) {
                        phase.split.record(sent, prediction.scoredAtMillis(), now);
                    }
                }
            }
        }
    }

    private static void startAtEnd(KafkaConsumer<String, byte[]> consumer) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(Topics.PREDICTIONS, Topics.EVENTS_DLQ)) {
            consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        // position() makes the seek happen now, before the first event is sent.
        partitions.forEach(consumer::position);
    }

    private Map<String, Object> producerProperties() {
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 2);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 64 * 1024);
        return props;
    }

    private Map<String, Object> consumerProperties() {
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        return props;
    }
}
