package com.shopintent.scoring.lifecycle;

import com.shopintent.scoring.model.ModelPackageException;
import com.shopintent.scoring.topology.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every instance reads the whole control topic {@link Topics#MODELS} (no consumer group: each
 * needs every announcement) and hands each role's latest announcement to the {@link ModelRegistry}.
 * {@link #catchUp} reads to the end before the application serves, so an instance that starts
 * after a swap serves the announced models from its first event; {@link #start} then follows the
 * topic in a thread of its own.
 */
public final class ControlTopicFollower implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ControlTopicFollower.class);
    private static final Duration POLL = Duration.ofMillis(500);
    /** How often to look again for a control topic that does not exist yet. */
    private static final Duration TOPIC_RETRY = Duration.ofSeconds(5);

    private final KafkaConsumer<String, byte[]> consumer;
    private final ModelRegistry registry;
    private final Thread thread;
    private volatile boolean closed;
    private boolean assigned;

    /** @param clientProperties connection settings (bootstrap servers, security) of the application */
    public ControlTopicFollower(Map<String, Object> clientProperties, String clientId, ModelRegistry registry) {
        this.consumer = new KafkaConsumer<>(ControlTopic.readerProperties(clientProperties, clientId),
                new StringDeserializer(), new ByteArrayDeserializer());
        this.registry = registry;
        this.thread = new Thread(this::follow, "model-announcements");
        thread.setDaemon(true);
    }

    /**
     * Applies every announcement up to the topic's current end, latest per role; returns false when
     * the topic does not exist (models then change only by restart until it does).
     */
    public boolean catchUp(Duration timeout) {
        if (!assign()) {
            LOG.warn("Control topic {} does not exist; models are swapped by announcement once it does (./scoring topics apply)",
                    Topics.MODELS);
            return false;
        }
        Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment(), timeout);
        long deadline = System.nanoTime() + timeout.toNanos();
        AnnouncementLog log = new AnnouncementLog(this::refuseInvalid);
        while (!reached(end)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("could not read control topic " + Topics.MODELS + " to its end within " + timeout);
            }
            consumer.poll(POLL).forEach(log::add);
        }
        log.latest().forEach((role, announcement) -> registry.apply(role, announcement.orElse(null)));
        return true;
    }

    /** Follows the topic from where {@link #catchUp} stopped, until {@link #close}. */
    public void start() {
        thread.start();
    }

    private void follow() {
        try {
            while (!closed) {
                if (!assigned && !assign()) {
                    Thread.sleep(TOPIC_RETRY.toMillis());
                    continue;
                }
                AnnouncementLog log = new AnnouncementLog(this::refuseInvalid);
                consumer.poll(POLL).forEach(log::add);
                log.latest().forEach((role, announcement) -> registry.apply(role, announcement.orElse(null)));
            }
        } catch (WakeupException | InterruptedException e) {
            if (!closed) {
                LOG.error("Stopped following {} unexpectedly", Topics.MODELS, e);
            }
        } catch (RuntimeException e) {
            LOG.error("Stopped following {}: models change only by restart from now on", Topics.MODELS, e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private boolean assign() {
        List<PartitionInfo> partitions = consumer.partitionsFor(Topics.MODELS);
        if (partitions == null || partitions.isEmpty()) {
            return false;
        }
        List<TopicPartition> assignment = partitions.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(assignment);
        consumer.seekToBeginning(assignment);
        assigned = true;
        return true;
    }

    private boolean reached(Map<TopicPartition, Long> end) {
        return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    }

    private void refuseInvalid(String why) {
        registry.refuse(ModelPackageException.Reason.INVALID_ANNOUNCEMENT, why);
    }

    @Override
    public void close() {
        closed = true;
        if (thread.isAlive()) {
            consumer.wakeup();
            try {
                thread.join(Duration.ofSeconds(10).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } else {
            consumer.close(Duration.ofSeconds(5));
        }
    }
}
