package com.shopintent.scoring.config;

import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaClientSupplier;

/**
 * The clients Kafka Streams runs on: Kafka's own, except that a transactional producer's
 * {@code flush()} leaves the flushing to the transaction's commit.
 *
 * <p>At each commit a stream thread flushes every task's store caches and then its producer,
 * task after task ({@code StreamTask#prepareCommit}): each cache flush sends the task's changelog
 * records and each producer flush waits for them, so a thread with N tasks can wait for N produce
 * round trips one after another before it commits. Under exactly-once that wait buys nothing:
 * {@code KafkaProducer#commitTransaction} sends every batch still pending at once (a completing
 * transaction makes every batch ready), waits for all of them before it ends the transaction, and
 * fails the commit if any of them failed. With the flushes left to it, a commit at 10,000 events/s
 * on the bench waited 16.5-21 ms instead of 38-41 (docs/DESIGN.md). Under at-least-once the
 * producer's flush is what makes the outputs durable before the consumer commits the offsets, and
 * it stays.
 */
public final class StreamsClientSupplier implements KafkaClientSupplier {

    @Override
    public Admin getAdmin(Map<String, Object> config) {
        return Admin.create(config);
    }

    @Override
    public Producer<byte[], byte[]> getProducer(Map<String, Object> config) {
        if (config.get(ProducerConfig.TRANSACTIONAL_ID_CONFIG) != null) {
            return new CommitFlushedProducer(config);
        }
        return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
    }

    @Override
    public Consumer<byte[], byte[]> getConsumer(Map<String, Object> config) {
        return consumer(config);
    }

    @Override
    public Consumer<byte[], byte[]> getRestoreConsumer(Map<String, Object> config) {
        return consumer(config);
    }

    @Override
    public Consumer<byte[], byte[]> getGlobalConsumer(Map<String, Object> config) {
        return consumer(config);
    }

    private static Consumer<byte[], byte[]> consumer(Map<String, Object> config) {
        return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** A transactional producer whose records are flushed by {@link #commitTransaction} alone. */
    static final class CommitFlushedProducer extends KafkaProducer<byte[], byte[]> {

        CommitFlushedProducer(Map<String, Object> config) {
            super(config, new ByteArraySerializer(), new ByteArraySerializer());
        }

        @Override
        public void flush() {
            // commitTransaction flushes, and an abort discards what was not sent.
        }
    }
}
