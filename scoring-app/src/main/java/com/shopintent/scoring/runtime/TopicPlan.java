package com.shopintent.scoring.runtime;

import com.shopintent.scoring.config.ScoringConfig;
import com.shopintent.scoring.topology.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;

/**
 * The product's topics with their partitions, replication and configuration, and the one place
 * that creates them ({@code ./scoring topics apply} or {@code run --create-topics}). Internal
 * topics (changelog, repartition) are Kafka Streams' own and are not listed here.
 */
public final class TopicPlan {

    private final int partitions;
    private final Optional<Short> replication;

    public TopicPlan(ScoringConfig config) {
        this.partitions = config.get(ScoringConfig.PARTITIONS);
        int factor = config.get(ScoringConfig.REPLICATION_FACTOR);
        this.replication = factor < 0 ? Optional.empty() : Optional.of((short) factor);
    }

    /**
     * Every topic the application reads or writes, as it should be created. Time retention is chosen
     * per topic (the comments say why) rather than left to the broker's default, so that it is the
     * same on every cluster; compacted topics keep the latest record per key for good.
     */
    public List<NewTopic> topics() {
        String maxBytes = Integer.toString(ScoringConfig.MAX_RECORD_BYTES);
        return List.of(
                // A week of input: a reprocessing after a bad release or an outage over a weekend can start from it.
                topic(Topics.EVENTS, partitions, retention(Duration.ofDays(7))),
                // Every instance reads all of it; compaction keeps the latest statistics per page.
                topic(Topics.PAGE_STATS, Math.min(partitions, 3), COMPACTED),
                // Read live by dashboards and shops; a week lets a stopped reader catch up and a model swap be compared.
                topic(Topics.PREDICTIONS, partitions, retention(Duration.ofDays(7))),
                // What the next model trains on: a month of served features and outcomes.
                topic(Topics.TRAINING_EXAMPLES, partitions, retention(Duration.ofDays(30))),
                // One small record per shop and minute: a month of trends costs little.
                topic(Topics.INSIGHTS, partitions, retention(Duration.ofDays(30))),
                // A dead letter keeps the original value, which may be as large as the input allows; two weeks
                // leave time to mend the producer and send again, longer than the input itself is kept.
                topic(Topics.EVENTS_DLQ, partitions, Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, maxBytes,
                        TopicConfig.RETENTION_MS_CONFIG, Long.toString(Duration.ofDays(14).toMillis()))),
                // A few records, read whole by every instance; compaction keeps the latest per role, never expiring it.
                topic(Topics.MODELS, 1, COMPACTED));
    }

    private static final Map<String, String> COMPACTED = Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);

    private static Map<String, String> retention(Duration duration) {
        return Map.of(TopicConfig.RETENTION_MS_CONFIG, Long.toString(duration.toMillis()));
    }

    private NewTopic topic(String name, int count, Map<String, String> configs) {
        return new NewTopic(name, Optional.of(count), replication).configs(configs);
    }

    /** How long {@link #apply} (and {@link PartitionScaler}) waits for new partitions to have serving leaders. */
    static final Duration LEADER_WAIT = Duration.ofSeconds(30);

    /**
     * Waits until the leader of every partition of these topics (new, or grown) serves requests. The
     * metadata names a leader a moment before that broker holds the partition's log; an idempotent
     * producer that sends then can have its first request refused and a later one taken, and retries
     * the first until its delivery timeout expires it: the records are lost (KAFKA-14359,
     * KAFKA-15591; seen here with Kafka 4.1 on the bench's freshly created topics). Producers that
     * start after this returns do not meet that.
     *
     * @throws IllegalStateException when a partition has no serving leader after {@link #LEADER_WAIT}
     */
    public static void awaitLeaders(Admin admin, List<String> topics) throws InterruptedException {
        long deadline = System.nanoTime() + LEADER_WAIT.toNanos();
        while (!topics.isEmpty()) {
            try {
                // ListOffsets is answered by each partition's leader, and only once it holds the log.
                admin.listOffsets(latestOffsetsOf(admin, topics)).all().get();
                return;
            } catch (ExecutionException notYet) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("topics " + topics + " have partitions without a serving leader after "
                            + LEADER_WAIT + ": " + notYet.getCause().getMessage(), notYet.getCause());
                }
            }
            Thread.sleep(100);
        }
    }

    private static Map<TopicPartition, OffsetSpec> latestOffsetsOf(Admin admin, List<String> topics)
            throws InterruptedException, ExecutionException {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (TopicDescription description : admin.describeTopics(topics).allTopicNames().get().values()) {
            description.partitions().forEach(p -> request.put(new TopicPartition(description.name(), p.partition()), OffsetSpec.latest()));
        }
        return request;
    }

    /** What {@link #apply} did: topics created, and topics that exist with another partition count. */
    public record Result(List<String> created, List<String> existing, List<String> warnings) {
    }

    /** Creates the missing topics; leaves existing ones alone and warns where they differ. */
    public Result apply(Admin admin) {
        try {
            Set<String> names = admin.listTopics().names().get();
            List<NewTopic> missing = new ArrayList<>();
            List<String> existing = new ArrayList<>();
            List<String> warnings = new ArrayList<>();
            for (NewTopic topic : topics()) {
                if (names.contains(topic.name())) {
                    existing.add(topic.name());
                } else {
                    missing.add(topic);
                }
            }
            if (!existing.isEmpty()) {
                Map<String, TopicDescription> described = admin.describeTopics(existing).allTopicNames().get();
                for (NewTopic topic : topics()) {
                    TopicDescription description = described.get(topic.name());
                    if (description != null && description.partitions().size() != topic.numPartitions()) {
                        warnings.add(topic.name() + " has " + description.partitions().size() + " partitions, the plan says "
                                + topic.numPartitions() + (topic.name().equals(Topics.EVENTS)
                                ? "; raise them with ./scoring partitions scale, not by hand (docs/OPERATIONS.md)"
                                : "; only the count of " + Topics.EVENTS + " binds the application"));
                    }
                }
            }
            admin.createTopics(missing).all().get();
            awaitLeaders(admin, missing.stream().map(NewTopic::name).toList());
            return new Result(missing.stream().map(NewTopic::name).toList(), existing, warnings);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot create the topics: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        }
    }
}
