package com.shopintent.scoring.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.shopintent.scoring.Await;
import com.shopintent.scoring.enrich.SpecialDayCalendar;
import com.shopintent.scoring.events.Json;
import com.shopintent.scoring.features.DatasetRow;
import com.shopintent.scoring.replay.ReplayRecord;
import com.shopintent.scoring.replay.SessionReplayer;
import com.shopintent.scoring.topology.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Records for the ITs against a real broker: replayed data set sessions to produce (synchronously or at a
 * steady rate in the background), a {@code read_committed} reader of an output topic, and the checks that
 * the application consumed all its input and wrote each expected id exactly once.
 */
final class Records {

    static final String SHOP = "shop-it";
    /** Sessions start this far apart in event time, so that many are open at once, as in a shop. */
    private static final Duration STAGGER = Duration.ofSeconds(3);
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(60);
    private static final int EXAMPLES_SHOWN = 5;

    private Records() {
    }

    /**
     * The page statistics and events of these rows' sessions ({@code row-<n>}), each session starting
     * {@link #STAGGER} after the one before, so that many are open at once as in a shop; the events of all
     * sessions merged in event-time order, as a shop's clickstream arrives, each session's in its own order.
     *
     * <p>The last event happens at {@code lastEvent}, so event times are recent and never in the future: the
     * output records carry them as timestamps, and the broker's time retention (7 days) would delete records of
     * the data set's days while a test reads them. Event time never runs backwards within a partition, so the
     * wall-clock expiry finds no session idle for a timeout while its events are still coming.
     */
    static Replay replay(List<DatasetRow> rows, Instant lastEvent) {
        // Session lengths and gaps do not depend on the start: replay once to learn the span, then from its start.
        Replay fromEpoch = replayFrom(rows, 0);
        long span = fromEpoch.events().get(fromEpoch.events().size() - 1).timeNanos();
        return replayFrom(rows, lastEvent.getEpochSecond() * 1_000_000_000L + lastEvent.getNano() - span);
    }

    private static Replay replayFrom(List<DatasetRow> rows, long startNanos) {
        SessionReplayer replayer = new SessionReplayer(SpecialDayCalendar.defaults());
        List<ReplayRecord> pageStats = new ArrayList<>();
        List<ReplayRecord> events = new ArrayList<>();
        Set<String> sessions = new LinkedHashSet<>();
        for (int i = 0; i < rows.size(); i++) {
            DatasetRow row = rows.get(i);
            String session = SessionReplayer.sessionId(row.row());
            sessions.add(session);
            pageStats.addAll(replayer.pageStats(row, SHOP));
            events.addAll(replayer.events(row, SHOP, session, startNanos + i * STAGGER.toNanos()));
        }
        // Stable: the events of a session that share a time (add_to_cart, purchase, session_end) keep their order.
        events.sort(Comparator.comparingLong(ReplayRecord::timeNanos));
        List<String> eventIds = events.stream().map(event -> field(event.value(), "eventId")).toList();
        return new Replay(List.copyOf(pageStats), List.copyOf(events), eventIds, Set.copyOf(sessions));
    }

    /** What {@link #replay} made: records to produce and the ids they must come out with. */
    record Replay(List<ReplayRecord> pageStats, List<ReplayRecord> events, List<String> eventIds, Set<String> sessionIds) {

        List<ProducerRecord<byte[], byte[]>> pageStatsRecords() {
            return pageStats.stream().map(Records::toProducerRecord).toList();
        }

        List<ProducerRecord<byte[], byte[]>> eventRecords(int from, int to) {
            return events.subList(from, to).stream().map(Records::toProducerRecord).toList();
        }

        List<ProducerRecord<byte[], byte[]>> eventRecords() {
            return eventRecords(0, events.size());
        }
    }

    static ProducerRecord<byte[], byte[]> toProducerRecord(ReplayRecord record) {
        return new ProducerRecord<>(record.topic(), utf8(record.key()), record.value());
    }

    static byte[] utf8(String text) {
        return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
    }

    /** A field of a JSON record value, as text. */
    static String field(byte[] json, String name) {
        try {
            JsonNode node = Json.MAPPER.readTree(json).get(name);
            if (node == null) {
                throw new AssertionError("no field '" + name + "' in " + new String(json, StandardCharsets.UTF_8));
            }
            return node.asText();
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + new String(json, StandardCharsets.UTF_8), e);
        }
    }

    /** The last header of that name, as UTF-8 text; null when there is none. */
    static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** As a shop's producer would be: idempotent, every record acknowledged by all replicas. */
    static KafkaProducer<byte[], byte[]> producer(String bootstrapServers) {
        return producer(bootstrapServers, Map.of());
    }

    /** {@link #producer(String)} with these properties changed. */
    static KafkaProducer<byte[], byte[]> producer(String bootstrapServers, Map<String, Object> overrides) {
        Map<String, Object> properties = new HashMap<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 5));
        properties.putAll(overrides);
        return new KafkaProducer<>(properties, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Sends the records in order and returns where each was written, once all are acknowledged. */
    static List<RecordMetadata> send(String bootstrapServers, List<ProducerRecord<byte[], byte[]>> records) {
        return send(bootstrapServers, Map.of(), records);
    }

    /** {@link #send(String, List)} by a producer with these properties added (a secured cluster's client settings). */
    static List<RecordMetadata> send(String bootstrapServers, Map<String, Object> overrides, List<ProducerRecord<byte[], byte[]>> records) {
        try (KafkaProducer<byte[], byte[]> producer = producer(bootstrapServers, overrides)) {
            List<Future<RecordMetadata>> sent = new ArrayList<>(records.size());
            records.forEach(record -> sent.add(producer.send(record)));
            producer.flush();
            List<RecordMetadata> written = new ArrayList<>(records.size());
            for (Future<RecordMetadata> future : sent) {
                written.add(future.get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
            }
            return written;
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("Could not produce " + records.size() + " records to " + bootstrapServers, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("Interrupted while producing", e);
        }
    }

    /**
     * Produces records in order at a steady rate on a thread of its own, the way a shop's traffic arrives, so
     * that a test can crash or stop something while events are still coming, then {@link #stop()} it and send
     * the rest itself.
     */
    static final class PacedProducer implements AutoCloseable {

        private final KafkaProducer<byte[], byte[]> producer;
        private final Thread thread;
        private final AtomicInteger handedOver = new AtomicInteger();
        private final AtomicInteger acknowledged = new AtomicInteger();
        private final AtomicReference<Exception> failure = new AtomicReference<>();
        private volatile boolean stopped;

        PacedProducer(String bootstrapServers, List<ProducerRecord<byte[], byte[]>> records, int perSecond) {
            this(bootstrapServers, records, perSecond, Map.of());
        }

        /** @param overrides properties of the producer changed from {@link #producer(String)}'s */
        PacedProducer(String bootstrapServers, List<ProducerRecord<byte[], byte[]>> records, int perSecond, Map<String, Object> overrides) {
            this.producer = producer(bootstrapServers, overrides);
            long interval = 1_000_000_000L / perSecond;
            this.thread = new Thread(() -> {
                long start = System.nanoTime();
                for (int i = 0; i < records.size() && !stopped; i++) {
                    // Pacing the load, not waiting for a result.
                    LockSupport.parkNanos(start + i * interval - System.nanoTime());
                    producer.send(records.get(i), (metadata, error) -> {
                        if (error == null) {
                            acknowledged.incrementAndGet();
                        } else {
                            failure.compareAndSet(null, error);
                        }
                    });
                    handedOver.incrementAndGet();
                }
                // Returns once every record sent is acknowledged or failed.
                producer.flush();
            }, "paced-producer");
            thread.setDaemon(true);
            thread.start();
        }

        /**
         * Stops sending, waits until what was sent is acknowledged and returns how many records that is: the
         * records after them are the caller's to send. Fails if a record could not be produced.
         */
        int stop() {
            stopped = true;
            try {
                thread.join(SEND_TIMEOUT.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("Interrupted while stopping the paced producer", e);
            }
            if (thread.isAlive()) {
                throw new AssertionError("The paced producer did not stop within " + SEND_TIMEOUT);
            }
            if (failure.get() != null) {
                throw new AssertionError("Could not produce a record", failure.get());
            }
            if (acknowledged.get() != handedOver.get()) {
                throw new AssertionError(acknowledged.get() + " of " + handedOver.get() + " records acknowledged after a flush");
            }
            return handedOver.get();
        }

        @Override
        public void close() {
            stopped = true;
            try {
                thread.join(SEND_TIMEOUT.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            producer.close(Duration.ZERO);
        }
    }

    /**
     * Every committed record of one topic, from its beginning: a {@code read_committed} consumer assigned to
     * all its partitions, which keeps what it read across calls. One thread uses it.
     */
    static final class Reader implements AutoCloseable {

        private static final Duration POLL = Duration.ofMillis(100);

        private final String topic;
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final List<TopicPartition> partitions;
        private final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();

        Reader(String bootstrapServers, String topic) {
            this(bootstrapServers, Map.of(), topic);
        }

        /** @param overrides properties added to the consumer's (a secured cluster's client settings) */
        Reader(String bootstrapServers, Map<String, Object> overrides, String topic) {
            this.topic = topic;
            Map<String, Object> properties = new HashMap<>(overrides);
            properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            this.consumer = new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            this.partitions = consumer.partitionsFor(topic, SEND_TIMEOUT).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
        }

        /** One poll of at most 100 ms; returns the number of records read in all. */
        int poll() {
            consumer.poll(POLL).forEach(records::add);
            return records.size();
        }

        /** Reads until {@code count} records have been read in all. */
        void readAtLeast(int count, Duration timeout, Supplier<String> context) {
            Await.until(timeout, () -> poll() >= count,
                    () -> records.size() + " of at least " + count + " records read from " + topic + "\n" + context.get());
        }

        /** Reads up to the end a read_committed consumer sees now (the last stable offset) in every partition. */
        void readToEnd(Duration timeout) {
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            Await.until(timeout, () -> {
                poll();
                return partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p));
            }, () -> "positions " + partitions.stream().map(p -> p.partition() + "@" + consumer.position(p) + "/" + end.get(p))
                    .collect(Collectors.joining(", ")) + " in " + topic);
        }

        int count() {
            return records.size();
        }

        List<ConsumerRecord<byte[], byte[]>> records() {
            return records;
        }

        /** One JSON field of every record read. */
        List<String> values(String field) {
            return records.stream().map(record -> Records.field(record.value(), field)).toList();
        }

        @Override
        public void close() {
            consumer.close();
        }
    }

    /**
     * Whether the application has committed, in every partition of {@link Topics#EVENTS}, the offset after the
     * last record: all input is processed, and under exactly-once its output is committed with those offsets.
     */
    static boolean inputConsumed(Admin admin, String applicationId) {
        Map<TopicPartition, OffsetAndMetadata> committed;
        Map<TopicPartition, Long> end;
        try {
            committed = admin.listConsumerGroupOffsets(applicationId)
                    .partitionsToOffsetAndMetadata().get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            end = endOffsets(admin, List.of(Topics.EVENTS));
        } catch (ExecutionException | TimeoutException e) {
            // The broker may be restarting; the caller polls again.
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("Interrupted while reading the offsets of " + applicationId, e);
        }
        return end.entrySet().stream().allMatch(e -> {
            OffsetAndMetadata offset = committed.get(e.getKey());
            return (offset == null ? 0 : offset.offset()) >= e.getValue();
        });
    }

    /** The end offset of every partition of these topics, from the partitions' leaders. */
    private static Map<TopicPartition, Long> endOffsets(Admin admin, Collection<String> topics)
            throws ExecutionException, TimeoutException, InterruptedException {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        admin.describeTopics(topics).allTopicNames().get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .forEach((topic, description) -> description.partitions()
                        .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest())));
        Map<TopicPartition, Long> end = new HashMap<>();
        admin.listOffsets(latest).all().get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .forEach((partition, info) -> end.put(partition, info.offset()));
        return end;
    }

    /**
     * Reads until at least {@code expected} records are in and the application has committed all its input,
     * then up to the last stable offset: what the reader holds then is all the application will ever write for
     * that input.
     */
    static void readAllOutput(Reader reader, int expected, Admin admin, String applicationId, Duration timeout,
                              Supplier<String> context) {
        Await.until(timeout, () -> reader.poll() >= expected && inputConsumed(admin, applicationId),
                () -> reader.count() + " of " + expected + " records read from " + reader.topic
                        + (reader.count() >= expected ? ", but the application has not committed all of " + Topics.EVENTS : "")
                        + "\n" + context.get());
        reader.readToEnd(timeout);
    }

    /**
     * Fails unless {@code actual} holds each of {@code expected} exactly once and nothing else; the message counts
     * the missing, duplicated and unexpected ids and shows a few of each.
     */
    static void assertEachExactlyOnce(String what, Collection<String> actual, Collection<String> expected, Supplier<String> context) {
        Map<String, Integer> counts = new HashMap<>();
        actual.forEach(id -> counts.merge(id, 1, Integer::sum));
        Set<String> expectedSet = new TreeSet<>(expected);
        if (expectedSet.size() != expected.size()) {
            throw new IllegalArgumentException("the expected " + what + " are not distinct");
        }
        Set<String> missing = new TreeSet<>(expectedSet);
        missing.removeAll(counts.keySet());
        Map<String, Integer> duplicated = new TreeMap<>();
        counts.forEach((id, count) -> {
            if (count > 1) {
                duplicated.put(id, count);
            }
        });
        Set<String> unexpected = new TreeSet<>(counts.keySet());
        unexpected.removeAll(expectedSet);
        if (!missing.isEmpty() || !duplicated.isEmpty() || !unexpected.isEmpty() || actual.size() != expected.size()) {
            throw new AssertionError(String.format("%s: %d read for %d expected; %d missing %s, %d duplicated %s, %d unexpected %s%n%s",
                    what, actual.size(), expected.size(), missing.size(), some(missing), duplicated.size(),
                    some(duplicated.entrySet()), unexpected.size(), some(unexpected), context.get()));
        }
    }

    private static String some(Collection<?> items) {
        return items.stream().limit(EXAMPLES_SHOWN).map(String::valueOf).collect(Collectors.joining(", ", "[", items.size() > EXAMPLES_SHOWN ? ", ...]" : "]"));
    }
}
