package com.shopintent.scoring.deploy;

import com.shopintent.scoring.config.ScoringConfig;
import com.shopintent.scoring.topology.Topics;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.security.auth.KafkaPrincipal;

/**
 * The product's Kafka users and exactly what each may do, derived from the topic names and the
 * application id: the one list that the {@code KafkaUser} manifests are made from, and that a test of
 * a broker's ACLs can compare with. With simple authorization everything not granted here is denied.
 *
 * <p>No user gets {@code IdempotentWrite} on the cluster: since Kafka 2.8 (KIP-679) a broker lets an
 * idempotent producer (the default since 3.0) start when its user may write to some topic, and a
 * transactional producer when it may write to its transactional id.
 */
public final class AccessPolicy {

    /** The shops' producers: they write clickstream events and nothing else. */
    public static final String SHOP_PRODUCER = "shop-producer";
    /** Dashboards: they read predictions and insights. */
    public static final String DASHBOARDS = "dashboards";
    /** Consumer groups of dashboards are named with this prefix. */
    public static final String DASHBOARDS_GROUP_PREFIX = "dashboards-";
    /** Operators announcing and promoting models: the only writers of {@link Topics#MODELS} (docs/MODEL.md, Trust). */
    public static final String OPERATOR = "scoring-operator";

    /** Topics the application reads: the clickstream, page statistics (a global table) and model announcements. */
    public static final List<String> APPLICATION_INPUTS = List.of(Topics.EVENTS, Topics.PAGE_STATS, Topics.MODELS);
    /** Topics the application writes. */
    public static final List<String> APPLICATION_OUTPUTS = List.of(Topics.PREDICTIONS, Topics.TRAINING_EXAMPLES, Topics.INSIGHTS,
            Topics.EVENTS_DLQ);

    private AccessPolicy() {
    }

    /** Operations allowed on one resource (a name, or a prefix of names). */
    public record Grant(ResourcePattern resource, List<AclOperation> operations) {

        /** Operations in a fixed order, whatever order they are given in, so that manifests regenerate the same. */
        static Grant of(ResourceType type, String name, PatternType pattern, AclOperation... operations) {
            return new Grant(new ResourcePattern(type, name, pattern), List.copyOf(EnumSet.copyOf(Arrays.asList(operations))));
        }
    }

    /** A Kafka user (a SCRAM-SHA-512 user of the cluster) and its grants. */
    public record User(String name, List<Grant> grants) {

        public KafkaPrincipal principal() {
            return new KafkaPrincipal(KafkaPrincipal.USER_TYPE, name);
        }

        /** The grants as the broker stores them: one allowing ACL per resource and operation, from any host. */
        public List<AclBinding> aclBindings() {
            return grants.stream()
                    .flatMap(grant -> grant.operations().stream().map(operation -> new AclBinding(grant.resource(),
                            new AccessControlEntry(principal().toString(), "*", operation, AclPermissionType.ALLOW))))
                    .toList();
        }
    }

    /** Every user of the product, the application first; the application's user is named as its application id. */
    public static List<User> users(ScoringConfig config) {
        return List.of(application(config.get(ScoringConfig.APPLICATION_ID)),
                new User(SHOP_PRODUCER, List.of(topic(Topics.EVENTS, AclOperation.WRITE, AclOperation.DESCRIBE))),
                new User(DASHBOARDS, List.of(topic(Topics.PREDICTIONS, AclOperation.READ, AclOperation.DESCRIBE),
                        topic(Topics.INSIGHTS, AclOperation.READ, AclOperation.DESCRIBE),
                        Grant.of(ResourceType.GROUP, DASHBOARDS_GROUP_PREFIX, PatternType.PREFIXED, AclOperation.READ,
                                AclOperation.DESCRIBE))),
                new User(OPERATOR, List.of(topic(Topics.MODELS, AclOperation.READ, AclOperation.WRITE, AclOperation.DESCRIBE))));
    }

    /**
     * The application: Kafka Streams and the reader of {@link Topics#MODELS} (which has no consumer
     * group, and may only read: announcing is the operators' job). Kafka Streams' consumer group is
     * the application id; its internal topics ({@code <application.id>-<name>-changelog|repartition})
     * and, under exactly-once v2, its transactional ids ({@code <application.id>-<process>-<thread>})
     * start with the application id and a dash, which is the prefix granted: the application id alone
     * would also match another application whose id starts with this one.
     */
    private static User application(String applicationId) {
        String prefix = applicationId + "-";
        List<Grant> grants = new ArrayList<>();
        APPLICATION_INPUTS.forEach(name -> grants.add(topic(name, AclOperation.READ, AclOperation.DESCRIBE)));
        APPLICATION_OUTPUTS.forEach(name -> grants.add(topic(name, AclOperation.WRITE, AclOperation.DESCRIBE)));
        // Created and checked (partitions, cleanup policy) by the admin client, written and read by the stream
        // threads and restore consumers, repartition records purged (Delete); never altered.
        grants.add(Grant.of(ResourceType.TOPIC, prefix, PatternType.PREFIXED, AclOperation.CREATE, AclOperation.DELETE,
                AclOperation.READ, AclOperation.WRITE, AclOperation.DESCRIBE, AclOperation.DESCRIBE_CONFIGS));
        grants.add(Grant.of(ResourceType.GROUP, applicationId, PatternType.LITERAL, AclOperation.READ, AclOperation.DESCRIBE));
        grants.add(Grant.of(ResourceType.TRANSACTIONAL_ID, prefix, PatternType.PREFIXED, AclOperation.WRITE, AclOperation.DESCRIBE));
        return new User(applicationId, List.copyOf(grants));
    }

    private static Grant topic(String name, AclOperation... operations) {
        return Grant.of(ResourceType.TOPIC, name, PatternType.LITERAL, operations);
    }
}
