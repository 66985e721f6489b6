package com.shopintent.scoring.lifecycle;

import com.shopintent.scoring.topology.Topics;
import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** What operators do to the control topic {@link Topics#MODELS}: read it, announce, retire, promote. */
public final class ControlTopic {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ControlTopic.class);

    private final Map<String, Object> clientProperties;

    public ControlTopic(Map<String, Object> clientProperties) {
        this.clientProperties = Map.copyOf(clientProperties);
    }

    /** Properties of a reader of the whole topic: no group, committed announcements only. */
    static Map<String, Object> readerProperties(Map<String, Object> clientProperties, String clientId) {
        Map<String, Object> props = new LinkedHashMap<>(clientProperties);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return props;
    }

    /** The announcement in force for each role; a role with none (or a retired challenger) is absent. */
    public Map<ModelRole, ModelAnnouncement> current() {
        AnnouncementLog log = new AnnouncementLog(why -> LOG.warn("Skipped {}", why));
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(readerProperties(clientProperties, "scoring-models-cli"),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.MODELS, TIMEOUT).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            if (partitions.isEmpty()) {
                throw new IllegalStateException("topic " + Topics.MODELS + " does not exist: create it with ./scoring topics apply");
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, TIMEOUT);
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + Topics.MODELS + " to its end within " + TIMEOUT);
                }
                consumer.poll(Duration.ofMillis(200)).forEach(log::add);
            }
        }
        Map<ModelRole, ModelAnnouncement> current = new EnumMap<>(ModelRole.class);
        log.latest().forEach((role, announcement) -> announcement.ifPresent(a -> current.put(role, a)));
        return current;
    }

    /** Announces a package in the role the announcement names. */
    public void announce(ModelAnnouncement announcement) {
        send(announcement.role(), announcement.toJson());
    }

    /** Retires the challenger: every instance stops scoring it. */
    public void retireChallenger() {
        send(ModelRole.CHALLENGER, null);
    }

    /**
     * Makes the announced challenger {@code version} champion and retires it as challenger (the
     * instances end its challenge in the same swap). Promoting the announced champion does nothing.
     *
     * @return the champion's announcement
     */
    public ModelAnnouncement promote(String version) {
        Map<ModelRole, ModelAnnouncement> current = current();
        ModelAnnouncement challenger = current.get(ModelRole.CHALLENGER);
        if (challenger != null && challenger.version().equals(version)) {
            ModelAnnouncement promoted = challenger.as(ModelRole.CHAMPION);
            send(ModelRole.CHAMPION, promoted.toJson());
            retireChallenger();
            return promoted;
        }
        ModelAnnouncement champion = current.get(ModelRole.CHAMPION);
        if (champion != null && champion.version().equals(version)) {
            return champion;
        }
        throw new IllegalArgumentException("model " + version + " is not the announced challenger; announced now: "
                + (current.isEmpty() ? "nothing" : current.values().stream().map(a -> a.role().wireName() + " " + a.version()).toList()));
    }

    private void send(ModelRole role, byte[] value) {
        Map<String, Object> props = new LinkedHashMap<>(clientProperties);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) TIMEOUT.toMillis());
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.MODELS, role.wireName(), value)).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not write to " + Topics.MODELS + " (does it exist? ./scoring topics apply): " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing to " + Topics.MODELS, e);
        }
    }
}
