package com.shopintent.scoring.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link TopicPlan#awaitLeaders} on a real broker: a topic it has waited for takes an idempotent
 * producer's pipelined requests from the first one. Without the wait this broker refused a first
 * request and took a later one in 25 of 40 fresh topics, and the producer then expired the refused
 * records after its delivery timeout; waiting for leaders in the metadata only, as before, made it
 * rarer (this test failed at its seventh topic).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class TopicPlanIT {

    private static final int TOPICS = 12;
    private static final int PARTITIONS = 6;
    /** Several batches per partition, so that more than one request per partition is in flight at once. */
    private static final int RECORDS = 20_000;

    @Test
    void shouldReturnOnlyWhenFreshTopicsTakeEveryPipelinedRequest() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            for (int i = 0; i < TOPICS; i++) {
                String topic = "fresh-" + i;
                admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1))).all().get();
                TopicPlan.awaitLeaders(admin, List.of(topic));

                AtomicInteger failed = new AtomicInteger();
                AtomicReference<Exception> firstError = new AtomicReference<>();
                try (KafkaProducer<String, byte[]> producer = pipeliningProducer(broker.bootstrapServers())) {
                    byte[] value = new byte[300];
                    for (int r = 0; r < RECORDS; r++) {
                        producer.send(new ProducerRecord<>(topic, "key-" + r, value), (metadata, e) -> {
                            if (e != null) {
                                failed.incrementAndGet();
                                firstError.compareAndSet(null, e);
                            }
                        });
                    }
                    producer.flush();
                }

                assertThat(failed.get()).as("records refused in %s, first error %s", topic, firstError.get()).isZero();
                assertThat(endOffsetsSum(admin, topic)).as("records in %s", topic).isEqualTo(RECORDS);
            }
        }
    }

    /** The producer defaults that pipeline (five requests in flight), with a delivery timeout short enough to fail a test. */
    private static KafkaProducer<String, byte[]> pipeliningProducer(String bootstrapServers) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 16 * 1024);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 3_000);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 6_000);
        return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    private static long endOffsetsSum(Admin admin, String topic) throws Exception {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        IntStream.range(0, PARTITIONS).forEach(p -> request.put(new TopicPartition(topic, p), OffsetSpec.latest()));
        return admin.listOffsets(request).all().get().values().stream().mapToLong(info -> info.offset()).sum();
    }
}
