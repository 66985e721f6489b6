package com.shopintent.scoring.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The embedded broker against real clients: transactional records reach read_committed consumers exactly
 * once, survive a restart and a crash, and closing leaves no process and no directory behind.
 *
 * <p>One broker serves all tests, each with a topic of its own, because a start costs 2.4 to 13 s on two busy
 * cores; the order only puts closing it last.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class EmbeddedKafkaBrokerIT {

    private static final int PARTITIONS = 3;
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    private Path classArchives;
    private BrokerClassArchive classArchive;
    private EmbeddedKafkaBroker broker;

    /** With a class-data archive of its own, so that its first start writes one whatever ran before. */
    @BeforeAll
    void startBroker() throws IOException {
        classArchives = Files.createTempDirectory("broker-class-archives");
        classArchive = BrokerClassArchive.forThisJvm(classArchives);
        broker = EmbeddedKafkaBroker.start(Map.of(), null, classArchive);
    }

    /** For a failed run: the last test closes the broker, and closing twice does nothing. */
    @AfterAll
    void closeBroker() throws IOException {
        if (broker != null) {
            broker.close();
        }
        try (Stream<Path> files = Files.list(classArchives)) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        }
        Files.delete(classArchives);
    }

    @Test
    @Order(1)
    void shouldDeliverTransactionalRecordsExactlyOnceToReadCommittedConsumers() {
        String topic = "exactly-once";
        createTopic(topic);
        List<String> sent = values("record", 30);
        try (KafkaProducer<String, String> producer = transactionalProducer("exactly-once-producer")) {
            producer.initTransactions();
            sendInTransaction(producer, topic, sent);
        }

        List<ConsumerRecord<String, String>> received = readCommitted(topic, sent.size());

        assertThat(received).extracting(ConsumerRecord::value).containsExactlyInAnyOrderElementsOf(sent);
        assertThat(received).extracting(ConsumerRecord::partition).containsOnly(0, 1, 2);
    }

    @Test
    @Order(2)
    void shouldStartFromTheClassArchiveItsFirstJvmWroteAsItStopped() throws IOException {
        assertThat(classArchive.file()).as("an archive for the broker: the integration tests run against the packaged jar").isNotNull();
        assertThat(brokerArguments()).anyMatch(arg -> arg.startsWith("-XX:ArchiveClassesAtExit="));
        assertThat(classArchive.file()).doesNotExist();

        broker.restart();

        assertThat(classArchive.file()).isNotEmptyFile();
        assertThat(classArchives).isDirectoryNotContaining(file -> !file.equals(classArchive.file()));
        assertThat(brokerArguments()).contains("-XX:SharedArchiveFile=" + classArchive.file());
        // Mapped into the broker's memory: the JVM took it (one it refuses, it unmaps, and says why in broker.log).
        assertThat(Files.readString(Path.of("/proc", Long.toString(broker.process().pid()), "maps")))
                .contains(classArchive.file().toString());
    }

    @Test
    @Order(3)
    void shouldKeepCommittedRecordsAndAcceptNewOnesAfterRestart() {
        String topic = "restart";
        createTopic(topic);
        List<String> beforeRestart = values("before", 12);
        List<String> afterRestart = values("after", 12);
        try (KafkaProducer<String, String> producer = transactionalProducer("restart-producer")) {
            producer.initTransactions();
            sendInTransaction(producer, topic, beforeRestart);

            broker.restart();

            assertThat(broker.isRunning()).isTrue();
            assertThat(readCommitted(topic, beforeRestart.size())).extracting(ConsumerRecord::value).containsExactlyInAnyOrderElementsOf(beforeRestart);
            // The same producer goes on: its transactional state lives in the broker's storage, which was kept.
            sendInTransaction(producer, topic, afterRestart);
        }

        List<String> all = new ArrayList<>(beforeRestart);
        all.addAll(afterRestart);
        assertThat(readCommitted(topic, all.size())).extracting(ConsumerRecord::value).containsExactlyInAnyOrderElementsOf(all);
    }

    @Test
    @Order(4)
    void shouldRecoverCommittedRecordsAndAbortTheOpenTransactionAfterKillAndRestart() {
        String topic = "crash";
        String transactionalId = "crash-producer";
        createTopic(topic);
        List<String> committed = values("committed", 12);
        List<String> inFlight = values("in-flight", 12);
        List<String> afterCrash = values("after-crash", 12);
        KafkaProducer<String, String> crashed = transactionalProducer(transactionalId);
        try {
            crashed.initTransactions();
            sendInTransaction(crashed, topic, committed);
            crashed.beginTransaction();
            inFlight.forEach(value -> crashed.send(record(topic, value)));
            // Written to the log, so only the transaction's outcome keeps them from read_committed consumers.
            crashed.flush();

            broker.kill();
            assertThat(broker.isRunning()).isFalse();
            broker.restart();
        } finally {
            crashed.close(Duration.ZERO);
        }

        // Like an application restarted with its transactional.id: initTransactions aborts the open transaction.
        try (KafkaProducer<String, String> restarted = transactionalProducer(transactionalId)) {
            restarted.initTransactions();
            sendInTransaction(restarted, topic, afterCrash);
        }

        List<String> expected = new ArrayList<>(committed);
        expected.addAll(afterCrash);
        assertThat(readCommitted(topic, expected.size())).extracting(ConsumerRecord::value).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    @Order(5)
    void shouldLeaveNoProcessAndNoDirectoryAfterClose() {
        Path directory = broker.directory();
        assertThat(broker.isRunning()).isTrue();
        assertThat(directory.resolve("broker.log")).isNotEmptyFile();

        broker.close();

        assertThat(broker.isRunning()).isFalse();
        assertThat(Files.exists(directory)).as("%s exists after close", directory).isFalse();
    }

    @Test
    @Order(6)
    void shouldFailWithTheBrokerLogsLastLinesWhenTheBrokerCannotStart() {
        assertThatThrownBy(() -> EmbeddedKafkaBroker.start(Map.of("message.max.bytes", "two-mebibytes")))
                .isInstanceOf(BrokerException.class)
                .hasMessageContaining("exited with code")
                .hasMessageContaining("message.max.bytes");
    }

    /** From /proc: {@code ProcessHandle.Info} has none for a command line as long as the broker's class path. */
    private List<String> brokerArguments() throws IOException {
        return List.of(Files.readString(Path.of("/proc", Long.toString(broker.process().pid()), "cmdline")).split("\0"));
    }

    private void createTopic(String topic) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1))).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("Could not create topic " + topic + " on " + broker, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("Interrupted while creating topic " + topic, e);
        }
    }

    private KafkaProducer<String, String> transactionalProducer(String transactionalId) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class));
    }

    private static void sendInTransaction(KafkaProducer<String, String> producer, String topic, List<String> values) {
        producer.beginTransaction();
        values.forEach(value -> producer.send(record(topic, value)));
        producer.commitTransaction();
    }

    /** Spread over all partitions by the value's number, so that every partition is read. */
    private static ProducerRecord<String, String> record(String topic, String value) {
        int number = Integer.parseInt(value.substring(value.lastIndexOf('-') + 1));
        return new ProducerRecord<>(topic, number % PARTITIONS, value, value);
    }

    private static List<String> values(String prefix, int count) {
        return IntStream.range(0, count).mapToObj(i -> prefix + "-" + i).toList();
    }

    /**
     * Every committed record of the topic, read until at least {@code expected} have come and the
     * reader stands at the end. A commit returns before its markers are written to the partitions,
     * so the end a read_committed reader sees right after it can still stop short of the
     * transaction's records: the end offsets are asked for again until they include them.
     */
    private List<ConsumerRecord<String, String>> readCommitted(String topic, int expected) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            List<TopicPartition> partitions = IntStream.range(0, PARTITIONS).mapToObj(p -> new TopicPartition(topic, p)).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            List<ConsumerRecord<String, String>> records = new ArrayList<>();
            Instant deadline = Instant.now().plus(READ_TIMEOUT);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, READ_TIMEOUT);
            while (records.size() < expected || !partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p))) {
                if (Instant.now().isAfter(deadline)) {
                    Set<String> positions = new TreeSet<>();
                    partitions.forEach(p -> positions.add(p + "@" + consumer.position(p) + "/" + end.get(p)));
                    fail("Read %d of %d records of %s in %s, positions/end offsets %s", records.size(), expected, topic, READ_TIMEOUT, positions);
                }
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                if (records.size() < expected) {
                    end.putAll(consumer.endOffsets(partitions, READ_TIMEOUT));
                }
            }
            return records;
        }
    }
}
