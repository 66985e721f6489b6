package com.shopintent.scoring.runtime;

import com.shopintent.scoring.config.ScoringConfig;
import com.shopintent.scoring.topology.ScoringTopology;
import com.shopintent.scoring.topology.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Grows the partitions of {@link Topics#EVENTS} under a stopped scoring application by handing
 * its work over to a new generation: a new application id, whose internal topics Kafka Streams
 * creates with the new count. The same application id cannot go on: its changelog and
 * repartition topics keep the old count, and Kafka Streams 4.1 stops at its next rebalance with
 * "Existing internal topic ... has invalid partitions" (docs/OPERATIONS.md, PartitionScaleIT).
 *
 * <p>The hand-over: the new generation's group starts each old partition of {@link Topics#EVENTS}
 * at the old group's committed offset and each new partition at 0. Under exactly-once the old
 * generation's outputs were committed with those offsets, so every event is scored by exactly one
 * generation. The keyless events the old generation had taken from {@link Topics#EVENTS} but not
 * yet scored wait in its repartition topic past its committed offset: they are copied back into
 * {@link Topics#EVENTS}, keyed by their session id, in one transaction that also commits the old
 * group's offsets past them, so a repeated run copies nothing twice. Session state and open
 * insight windows are not carried over.
 */
public final class PartitionScaler {

    /** Longest wait for one request to the cluster. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
    /**
     * Longest wait for open transactions on the keyless events' repartition topic to end: a killed
     * instance's transaction is aborted after Kafka Streams' 10 s transaction timeout, and a
     * read_committed reader sees nothing past it until then.
     */
    static final Duration OPEN_TRANSACTIONS_WAIT = Duration.ofSeconds(60);
    private static final Pattern GENERATION = Pattern.compile("(.+)-g(\\d{1,6})");
    /** What Kafka Streams appends to a group member's ids for its stream thread (see {@link #instanceOf}). */
    private static final Pattern THREAD_OF_STATIC_MEMBER = Pattern.compile("-[0-9]+$");
    private static final Pattern THREAD_OF_CLIENT = Pattern.compile("-StreamThread-[0-9]+-consumer$");

    private final Admin admin;
    private final Map<String, Object> clientProperties;
    private final Consumer<String> progress;

    /**
     * @param clientProperties how to reach the cluster (bootstrap servers, security), for the copy's consumer and producer
     * @param progress         told each step as it starts, for the person running it
     */
    public PartitionScaler(Admin admin, Map<String, Object> clientProperties, Consumer<String> progress) {
        this.admin = admin;
        this.clientProperties = Map.copyOf(clientProperties);
        this.progress = progress;
    }

    /**
     * A hand-over to make.
     *
     * @param alreadyRaised {@link Topics#EVENTS} already has {@code partitions} (raised through its
     *                      Strimzi KafkaTopic, or by hand under a running application that then
     *                      stopped): hand over without creating them
     */
    public record Request(String applicationId, String newApplicationId, int partitions, boolean alreadyRaised) {
    }

    /**
     * What a hand-over did.
     *
     * @param startOffsets   where the new generation's group starts, per partition of {@link Topics#EVENTS}
     * @param keylessCopied  keyless events copied back into {@link Topics#EVENTS} for the new generation
     * @param oldInternalTopics the old generation's internal topics, to delete once the new one runs
     */
    public record Handover(String applicationId, String newApplicationId, int partitionsBefore, int partitions,
                           Map<Integer, Long> startOffsets, int keylessCopied, List<String> oldInternalTopics) {
    }

    /** The application id of the generation after this one: {@code scoring} → {@code scoring-g2} → {@code scoring-g3}. */
    public static String nextApplicationId(String applicationId) {
        Matcher generation = GENERATION.matcher(applicationId);
        return generation.matches()
                ? generation.group(1) + "-g" + (Integer.parseInt(generation.group(2)) + 1)
                : applicationId + "-g2";
    }

    /**
     * Hands {@code request.applicationId()} over to {@code request.newApplicationId()} with
     * {@code request.partitions()} partitions of {@link Topics#EVENTS}; refuses, changing nothing,
     * while the old generation has instances in its group or the new one exists. Every step before
     * the partitions grow can be repeated; after they grew, repeat with {@code alreadyRaised}.
     *
     * @throws IllegalStateException with what to do, when it refuses or a step fails
     */
    public Handover scale(Request request) {
        String old = request.applicationId();
        String next = request.newApplicationId();
        if (old.equals(next)) {
            throw new IllegalStateException("the new application id must differ from the old one (" + old + ")");
        }
        progress.accept("checking that " + old + " is stopped and " + next + " is new");
        requireNoMembers(old);
        int current = partitionCount(Topics.EVENTS);
        if (request.alreadyRaised() && current != request.partitions()) {
            throw new IllegalStateException(Topics.EVENTS + " has " + current + " partitions, not " + request.partitions()
                    + ": without --already-raised this command creates them");
        }
        if (!request.alreadyRaised() && request.partitions() <= current) {
            throw new IllegalStateException(Topics.EVENTS + " has " + current + " partitions; the target must be larger (partitions"
                    + " cannot shrink). If they were raised already (a KafkaTopic, or by hand), add --already-raised");
        }
        Map<TopicPartition, OffsetAndMetadata> committed = committedOffsets(old);
        Map<Integer, Long> handover = new TreeMap<>();
        committed.forEach((partition, offset) -> {
            if (partition.topic().equals(Topics.EVENTS)) {
                handover.put(partition.partition(), offset.offset());
            }
        });
        if (handover.isEmpty()) {
            throw new IllegalStateException(old + " has no committed offsets of " + Topics.EVENTS + ": is --application-id the"
                    + " application's id? (An application that never ran has nothing to hand over: raise the partitions and start it.)");
        }
        Map<Integer, Long> start = new TreeMap<>();
        for (int partition = 0; partition < request.partitions(); partition++) {
            start.put(partition, handover.getOrDefault(partition, 0L));
        }
        requireNew(next, start);

        int copied = copyKeylessEvents(old, committed);
        if (!request.alreadyRaised()) {
            progress.accept("raising " + Topics.EVENTS + " from " + current + " to " + request.partitions() + " partitions");
            get(admin.createPartitions(Map.of(Topics.EVENTS, NewPartitions.increaseTo(request.partitions()))).all(),
                    "raise the partitions of " + Topics.EVENTS);
            try {
                TopicPlan.awaitLeaders(admin, List.of(Topics.EVENTS));
            } catch (IllegalStateException e) {
                throw new IllegalStateException(e.getMessage() + "; the partitions exist: finish with --already-raised", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the new partitions' leaders", e);
            }
        }
        progress.accept("setting the start offsets of " + next + " in " + Topics.EVENTS);
        Map<TopicPartition, OffsetAndMetadata> offsets = new LinkedHashMap<>();
        start.forEach((partition, offset) -> offsets.put(new TopicPartition(Topics.EVENTS, partition), new OffsetAndMetadata(offset)));
        get(admin.alterConsumerGroupOffsets(next, offsets).all(), "set the committed offsets of " + next
                + (request.alreadyRaised() ? "" : " (the partitions exist: finish with --already-raised)"));
        return new Handover(old, next, current, request.partitions(), start, copied, existingInternalTopics(old));
    }

    /**
     * Deletes the internal topics and the consumer group of a generation that was handed over,
     * once the next one runs: refuses while {@code applicationId} has instances or
     * {@code newApplicationId} has none.
     *
     * @return the topics deleted
     */
    public List<String> cleanup(String applicationId, String newApplicationId) {
        if (applicationId.equals(newApplicationId)) {
            throw new IllegalStateException("the new application id must differ from the old one (" + applicationId + ")");
        }
        requireNoMembers(applicationId);
        if (members(newApplicationId).isEmpty()) {
            throw new IllegalStateException(newApplicationId + " has no instances running: start the new generation and wait"
                    + " until it is ready before deleting the old one's state (or name it with --new-application-id)");
        }
        List<String> topics = existingInternalTopics(applicationId);
        progress.accept("deleting " + String.join(", ", topics) + " and the consumer group " + applicationId);
        get(admin.deleteTopics(topics).all(), "delete the internal topics of " + applicationId);
        try {
            admin.deleteConsumerGroups(List.of(applicationId)).all().get(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof GroupIdNotFoundException)) {
                throw failed("delete the consumer group " + applicationId, e);
            }
        } catch (TimeoutException | InterruptedException e) {
            throw failed("delete the consumer group " + applicationId, e);
        }
        return topics;
    }

    private void requireNoMembers(String applicationId) {
        List<MemberDescription> members = members(applicationId);
        if (!members.isEmpty()) {
            Set<String> instances = members.stream().map(m -> instanceOf(m.groupInstanceId(), m.clientId()) + " on " + m.host())
                    .collect(Collectors.toCollection(TreeSet::new));
            throw new IllegalStateException(applicationId + " still has " + instances.size() + " instance(s) in its group ("
                    + String.join(", ", instances)
                    + "): stop every instance first (Kubernetes: kubectl scale statefulset <scoring statefulset> --replicas=0;"
                    + " elsewhere SIGTERM each ./scoring run) and run this again. An instance without SCORING_INSTANCE_ID"
                    + " stays in the group for its session timeout (45 s) after it stopped.");
        }
    }

    /** Refuses unless the new generation has no instances, no internal topics, and no offsets other than these (a repeated run). */
    private void requireNew(String applicationId, Map<Integer, Long> start) {
        if (!members(applicationId).isEmpty()) {
            throw new IllegalStateException(applicationId + " has instances running already: name another generation with"
                    + " --new-application-id");
        }
        List<String> internal = existingInternalTopics(applicationId);
        if (!internal.isEmpty()) {
            throw new IllegalStateException(applicationId + " has run already (its topics " + internal + " exist): name another"
                    + " generation with --new-application-id");
        }
        committedOffsets(applicationId).forEach((partition, offset) -> {
            if (!partition.topic().equals(Topics.EVENTS) || !Long.valueOf(offset.offset()).equals(start.get(partition.partition()))) {
                throw new IllegalStateException(applicationId + " has committed offsets already (" + partition + " at "
                        + offset.offset() + "): name another generation with --new-application-id");
            }
        });
    }

    /**
     * Copies the keyless events past the old group's committed offsets of its repartition topic
     * back into {@link Topics#EVENTS}, keyed by session id and with their headers (their origin
     * among them, for a dead letter), in one transaction with the old group's offsets past them.
     */
    private int copyKeylessEvents(String applicationId, Map<TopicPartition, OffsetAndMetadata> committed) {
        String topic = ScoringTopology.keylessEventsTopic(applicationId);
        Set<String> topics = get(admin.listTopics().names(), "list the topics");
        if (!topics.contains(topic)) {
            return 0;
        }
        List<TopicPartition> partitions = new ArrayList<>();
        int count = partitionCount(topic);
        for (int partition = 0; partition < count; partition++) {
            partitions.add(new TopicPartition(topic, partition));
        }
        awaitNoOpenTransactions(partitions);
        progress.accept("copying the keyless events taken but not yet scored from " + topic + " back into " + Topics.EVENTS);
        Map<String, Object> consumerProperties = new HashMap<>(clientProperties);
        consumerProperties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString());
        consumerProperties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        Map<String, Object> producerProperties = new HashMap<>(clientProperties);
        // One id per old generation: a repeated run fences an interrupted one and aborts its copy.
        producerProperties.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, applicationId + "-partitions-scale");
        producerProperties.put(ProducerConfig.ACKS_CONFIG, "all");
        // An event may be as large as the application accepts, plus its headers.
        producerProperties.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, ScoringConfig.MAX_RECORD_BYTES);
        int copied = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProperties, new ByteArrayDeserializer(), new ByteArrayDeserializer());
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProperties, new ByteArraySerializer(), new ByteArraySerializer())) {
            consumer.assign(partitions);
            for (TopicPartition partition : partitions) {
                OffsetAndMetadata offset = committed.get(partition);
                if (offset == null) {
                    consumer.seekToBeginning(List.of(partition));
                } else {
                    consumer.seek(partition, offset.offset());
                }
            }
            // The last stable offsets: with the group stopped and no transaction open, nothing comes after them.
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, REQUEST_TIMEOUT);
            producer.initTransactions();
            producer.beginTransaction();
            long deadline = System.nanoTime() + REQUEST_TIMEOUT.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p, REQUEST_TIMEOUT) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " up to " + end + ": nothing came for " + REQUEST_TIMEOUT);
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    deadline = System.nanoTime() + REQUEST_TIMEOUT.toNanos();
                    if (record.offset() < end.get(new TopicPartition(record.topic(), record.partition()))) {
                        producer.send(new ProducerRecord<>(Topics.EVENTS, null, record.timestamp(), record.key(), record.value(), record.headers()));
                        copied++;
                    }
                }
            }
            Map<TopicPartition, OffsetAndMetadata> past = new HashMap<>();
            end.forEach((partition, offset) -> past.put(partition, new OffsetAndMetadata(offset)));
            producer.sendOffsetsToTransaction(past, new ConsumerGroupMetadata(applicationId));
            producer.commitTransaction();
        } catch (KafkaException e) {
            // Closing the producer aborts the open transaction: nothing was copied, nothing committed.
            throw new IllegalStateException("cannot copy the keyless events of " + topic + " into " + Topics.EVENTS + ": "
                    + e.getMessage() + "; nothing was copied, run this again", e);
        }
        progress.accept("copied " + copied + " keyless events");
        return copied;
    }

    /** Waits until no transaction is open on these partitions (the last stable offset is the end), or refuses. */
    private void awaitNoOpenTransactions(Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        partitions.forEach(partition -> latest.put(partition, OffsetSpec.latest()));
        long deadline = System.nanoTime() + OPEN_TRANSACTIONS_WAIT.toNanos();
        while (true) {
            Map<TopicPartition, Long> stable = new HashMap<>();
            get(admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all(), "read the last stable offsets")
                    .forEach((partition, info) -> stable.put(partition, info.offset()));
            List<TopicPartition> open = new ArrayList<>();
            get(admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED)).all(), "read the end offsets")
                    .forEach((partition, info) -> {
                        if (info.offset() != stable.get(partition)) {
                            open.add(partition);
                        }
                    });
            if (open.isEmpty()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("transactions are still open on " + open + " after " + OPEN_TRANSACTIONS_WAIT
                        + " (an instance killed in the middle of one, whose transaction has not timed out?): run this again later");
            }
            progress.accept("waiting for the open transactions on " + open + " to end");
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for open transactions to end", e);
            }
        }
    }

    /**
     * The instance a member of the group belongs to. Kafka Streams joins one member per stream
     * thread: its client id is {@code <client>-StreamThread-<n>-consumer}, and with static
     * membership its group instance id is {@code <SCORING_INSTANCE_ID>-<n>}.
     */
    static String instanceOf(Optional<String> groupInstanceId, String clientId) {
        return groupInstanceId.map(id -> THREAD_OF_STATIC_MEMBER.matcher(id).replaceFirst(""))
                .orElseGet(() -> THREAD_OF_CLIENT.matcher(clientId).replaceFirst(""));
    }

    private List<MemberDescription> members(String group) {
        return members(admin, group, REQUEST_TIMEOUT);
    }

    /**
     * The members of a consumer group; none when the group does not exist.
     *
     * @throws IllegalStateException naming the group when the broker could not say
     */
    static List<MemberDescription> members(Admin admin, String group, Duration timeout) {
        try {
            return new ArrayList<>(admin.describeConsumerGroups(List.of(group)).describedGroups().get(group)
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS).members());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return List.of();
            }
            throw failed("describe the consumer group " + group, e);
        } catch (TimeoutException | InterruptedException e) {
            throw failed("describe the consumer group " + group, e);
        }
    }

    private Map<TopicPartition, OffsetAndMetadata> committedOffsets(String group) {
        try {
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .forEach((partition, offset) -> {
                        if (offset != null) {
                            offsets.put(partition, offset);
                        }
                    });
            return offsets;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return Map.of();
            }
            throw failed("read the committed offsets of " + group, e);
        } catch (TimeoutException | InterruptedException e) {
            throw failed("read the committed offsets of " + group, e);
        }
    }

    private int partitionCount(String topic) {
        return get(admin.describeTopics(List.of(topic)).allTopicNames(), "describe " + topic).get(topic).partitions().size();
    }

    private List<String> existingInternalTopics(String applicationId) {
        Set<String> topics = get(admin.listTopics().names(), "list the topics");
        return ScoringTopology.internalTopics(applicationId).stream().filter(topics::contains).toList();
    }

    private static <T> T get(KafkaFuture<T> future, String what) {
        try {
            return future.get(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException | InterruptedException e) {
            throw failed(what, e);
        }
    }

    private static IllegalStateException failed(String what, Exception e) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
            return new IllegalStateException("interrupted while trying to " + what, e);
        }
        Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
        return new IllegalStateException("cannot " + what + ": " + cause.getMessage(), cause);
    }
}
