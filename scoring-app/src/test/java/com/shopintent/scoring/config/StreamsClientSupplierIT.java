package com.shopintent.scoring.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.shopintent.scoring.runtime.EmbeddedKafkaBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The producers {@link StreamsClientSupplier} gives Kafka Streams, against a real broker: a
 * transactional one leaves its records to the commit, which sends them and makes them visible to
 * read_committed readers; any other flushes as Kafka's does. The records linger a minute, so only a
 * flush or a commit sends them within the test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class StreamsClientSupplierIT {

    private static final String TRANSACTIONAL_TOPIC = "supplied-transactional";
    private static final String PLAIN_TOPIC = "supplied-plain";
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    private final StreamsClientSupplier supplier = new StreamsClientSupplier();
    private EmbeddedKafkaBroker broker;

    @BeforeAll
    void startBroker() throws ExecutionException, InterruptedException {
        broker = EmbeddedKafkaBroker.start();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(TRANSACTIONAL_TOPIC, 1, (short) 1), new NewTopic(PLAIN_TOPIC, 1, (short) 1))).all().get();
        }
    }

    @AfterAll
    void closeBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void shouldLeaveATransactionalProducersRecordsToTheCommitWhichSendsThemAll() throws Exception {
        Map<String, Object> config = producerConfig();
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "supplied-transactional");
        try (Producer<byte[], byte[]> producer = supplier.getProducer(config)) {
            producer.initTransactions();
            producer.beginTransaction();
            Future<RecordMetadata> first = producer.send(record(TRANSACTIONAL_TOPIC, "first"));
            Future<RecordMetadata> second = producer.send(record(TRANSACTIONAL_TOPIC, "second"));

            producer.flush();
            assertThat(first).as("a flush does not send a transaction's records").isNotDone();

            producer.commitTransaction();
            assertThat(first).as("the commit sends them").isDone();
            assertThat(second.get().offset()).isEqualTo(first.get().offset() + 1);
        }
        assertThat(readCommitted(TRANSACTIONAL_TOPIC, 2)).containsExactly("first", "second");
    }

    @Test
    void shouldFlushAProducerWithoutTransactions() throws Exception {
        try (Producer<byte[], byte[]> producer = supplier.getProducer(producerConfig())) {
            Future<RecordMetadata> sent = producer.send(record(PLAIN_TOPIC, "plain"));
            producer.flush();
            assertThat(sent).as("Kafka's flush sends and waits").isDone();
            assertThat(sent.get().hasOffset()).isTrue();
        }
    }

    private Map<String, Object> producerConfig() {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        config.put(ProducerConfig.LINGER_MS_CONFIG, 60_000);
        return config;
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, String value) {
        return new ProducerRecord<>(topic, value.getBytes());
    }

    /** What a read_committed reader finds from the start of a topic, once it has found {@code count} records. */
    private List<String> readCommitted(String topic, int count) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<String> values = new ArrayList<>();
        try (Consumer<byte[], byte[]> consumer = supplier.getConsumer(config)) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
            while (values.size() < count && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(new String(record.value()));
                }
            }
        }
        return values;
    }
}
