package com.shopintent.scoring.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.deser.BeanDeserializerBuilder;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.shopintent.scoring.TestModels;
import com.shopintent.scoring.cache.PredictionCache;
import com.shopintent.scoring.config.ScoringConfig;
import com.shopintent.scoring.metrics.ScoringMetrics;
import com.shopintent.scoring.model.ActiveModels;
import com.shopintent.scoring.runtime.TopicPlan;
import com.shopintent.scoring.topology.ScoringTopology;
import com.shopintent.scoring.topology.Topics;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.strimzi.api.kafka.model.common.metrics.JmxPrometheusExporterMetrics;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.kafka.KafkaAuthorizationSimple;
import io.strimzi.api.kafka.model.kafka.PersistentClaimStorage;
import io.strimzi.api.kafka.model.kafka.listener.GenericKafkaListener;
import io.strimzi.api.kafka.model.kafka.listener.KafkaListenerAuthenticationScramSha512;
import io.strimzi.api.kafka.model.kafka.listener.KafkaListenerType;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.nodepool.ProcessRoles;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;
import io.strimzi.api.kafka.model.user.KafkaUserAuthorizationSimple;
import io.strimzi.api.kafka.model.user.KafkaUserScramSha512ClientAuthentication;
import io.strimzi.api.kafka.model.user.acl.AclResourcePatternType;
import io.strimzi.api.kafka.model.user.acl.AclRule;
import io.strimzi.api.kafka.model.user.acl.AclRuleClusterResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleGroupResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleTopicResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleTransactionalIdResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.security.auth.KafkaPrincipal;
import org.apache.kafka.common.utils.SecurityUtils;
import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The committed {@code strimzi/} files: what the code generates, valid for Strimzi's typed model,
 * a topic per planned topic, and users that may do what the product needs and nothing more. The
 * expected topics and ACLs are stated here from the topic names and settings, not read from the files.
 */
class StrimziManifestsTest {

    /** The repository's {@code strimzi/}; tests run in the module's directory. */
    private static final Path COMMITTED = Path.of("..", "strimzi");
    private static final String REGENERATE = "run ./scoring manifests strimzi --out strimzi/ and commit the result";

    private static final ScoringConfig CONFIG = StrimziManifests.productionSettings();
    private static final String APPLICATION_ID = CONFIG.get(ScoringConfig.APPLICATION_ID);

    /**
     * Strimzi's and fabric8's models keep unknown fields in an {@code additionalProperties} map (a
     * {@code @JsonAnySetter}), which would accept any typo; without it every unknown field fails.
     */
    private static final YAMLMapper STRICT = YAMLMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .addModule(new SimpleModule().setDeserializerModifier(new BeanDeserializerModifier() {
                @Override
                public BeanDeserializerBuilder updateBuilder(DeserializationConfig config, BeanDescription description,
                                                             BeanDeserializerBuilder builder) {
                    builder.setAnySetter(null);
                    builder.setIgnoreUnknownProperties(false);
                    return builder;
                }
            }))
            .build();

    private static final Map<String, Class<? extends HasMetadata>> KINDS = Map.of(
            "Kafka", Kafka.class, "KafkaNodePool", KafkaNodePool.class, "KafkaTopic", KafkaTopic.class,
            "KafkaUser", KafkaUser.class, "ConfigMap", ConfigMap.class);

    @Test
    void shouldCommitExactlyWhatTheCodeGenerates(@TempDir Path dir) throws IOException {
        new StrimziManifests(CONFIG).write(dir);

        Map<String, String> generated = yamlFiles(dir);
        Map<String, String> committed = yamlFiles(COMMITTED);
        assertThat(committed.keySet()).as("files under strimzi/: " + REGENERATE).isEqualTo(generated.keySet());
        generated.forEach((name, content) -> assertThat(committed.get(name)).as("strimzi/" + name + ": " + REGENERATE).isEqualTo(content));
    }

    @Test
    void shouldWriteTheSameBytesEveryTime(@TempDir Path dir) throws IOException {
        new StrimziManifests(CONFIG).write(dir.resolve("first"));
        new StrimziManifests(CONFIG).write(dir.resolve("second"));

        assertThat(yamlFiles(dir.resolve("second"))).isEqualTo(yamlFiles(dir.resolve("first")));
    }

    @Test
    void shouldParseEveryCommittedFileIntoItsTypedModelAndWriteItBackUnchanged() throws IOException {
        Map<String, String> files = yamlFiles(COMMITTED);
        assertThat(files).isNotEmpty();
        for (Map.Entry<String, String> file : files.entrySet()) {
            HasMetadata resource = parse(file.getValue());

            assertThat(StrimziManifests.fileName(resource)).as(file.getKey()).isEqualTo(file.getKey());
            // A value the model cannot hold (an unknown enum value reads as null) would be lost on the way back.
            assertThat(StrimziManifests.yaml(resource)).as(file.getKey()).isEqualTo(file.getValue());
            assertThat(STRICT.readTree(file.getValue()).get("apiVersion").asText()).as(file.getKey())
                    .isEqualTo(resource instanceof ConfigMap ? "v1" : StrimziManifests.API_VERSION);
        }
    }

    @Test
    void shouldRejectAFieldTheModelDoesNotKnow() throws IOException {
        String topic = Files.readString(COMMITTED.resolve(Topics.EVENTS + "-kafkatopic.yaml"), StandardCharsets.UTF_8);
        String user = Files.readString(COMMITTED.resolve(APPLICATION_ID + "-kafkauser.yaml"), StandardCharsets.UTF_8);

        assertThatThrownBy(() -> parse(topic.replace("  partitions:", "  partitons:")))
                .isInstanceOf(UnrecognizedPropertyException.class).hasMessageContaining("partitons");
        assertThatThrownBy(() -> parse(user.replace("          name: shop.events\n", "          name: shop.events\n          pattern: literal\n")))
                .isInstanceOf(UnrecognizedPropertyException.class).hasMessageContaining("pattern");
        assertThatThrownBy(() -> parse(topic.replace("kind: KafkaTopic\n", "kind: KafkaTopic\nstatuss: {}\n")))
                .isInstanceOf(UnrecognizedPropertyException.class).hasMessageContaining("statuss");
    }

    @Test
    void shouldDescribeAKraftClusterOfThreeControllersAndThreeBrokersWithScramOverTls() throws IOException {
        Kafka kafka = single(Kafka.class);
        List<KafkaNodePool> pools = committed(KafkaNodePool.class);
        ConfigMap metrics = single(ConfigMap.class);

        assertThat(kafka.getMetadata().getName()).isEqualTo(StrimziManifests.CLUSTER);
        assertThat(pools).allSatisfy(pool -> {
            assertThat(pool.getMetadata().getLabels()).containsEntry(StrimziManifests.CLUSTER_LABEL, StrimziManifests.CLUSTER);
            assertThat(pool.getSpec().getReplicas()).isEqualTo(3);
            assertThat(pool.getSpec().getStorage()).isInstanceOf(PersistentClaimStorage.class);
            assertThat(((PersistentClaimStorage) pool.getSpec().getStorage()).isDeleteClaim()).isFalse();
        });
        assertThat(pools.stream().map(pool -> pool.getSpec().getRoles()).toList())
                .containsExactlyInAnyOrder(List.of(ProcessRoles.CONTROLLER), List.of(ProcessRoles.BROKER));
        assertThat(kafka.getSpec().getKafka().getVersion()).isEqualTo(org.apache.kafka.common.utils.AppInfoParser.getVersion());
        GenericKafkaListener listener = kafka.getSpec().getKafka().getListeners().get(0);
        assertThat(kafka.getSpec().getKafka().getListeners()).hasSize(1);
        assertThat(listener.getPort()).isEqualTo(9093);
        assertThat(listener.getType()).isEqualTo(KafkaListenerType.INTERNAL);
        assertThat(listener.isTls()).isTrue();
        assertThat(listener.getAuth()).isInstanceOf(KafkaListenerAuthenticationScramSha512.class);
        assertThat(kafka.getSpec().getKafka().getAuthorization()).isInstanceOf(KafkaAuthorizationSimple.class);
        assertThat(kafka.getSpec().getKafka().getConfig()).containsEntry("default.replication.factor", 3)
                .containsEntry("min.insync.replicas", 2).containsEntry("transaction.state.log.replication.factor", 3)
                .containsEntry("transaction.state.log.min.isr", 2).containsEntry("offsets.topic.replication.factor", 3);
        assertThat(kafka.getSpec().getEntityOperator().getTopicOperator()).isNotNull();
        assertThat(kafka.getSpec().getEntityOperator().getUserOperator()).isNotNull();
        var metricsRef = ((JmxPrometheusExporterMetrics) kafka.getSpec().getKafka().getMetricsConfig()).getValueFrom().getConfigMapKeyRef();
        assertThat(metricsRef.getName()).isEqualTo(metrics.getMetadata().getName());
        assertThat(metrics.getData()).containsKey(metricsRef.getKey());
        assertThat(STRICT.readTree(metrics.getData().get(metricsRef.getKey())).get("rules").size()).isPositive();
    }

    @Test
    void shouldHaveAKafkaTopicForEveryPlannedTopicWithItsPartitionsAndConfigs() throws IOException {
        Map<String, KafkaTopic> topics = committed(KafkaTopic.class).stream()
                .collect(Collectors.toMap(topic -> topic.getMetadata().getName(), Function.identity()));
        List<NewTopic> plan = new TopicPlan(CONFIG).topics();

        assertThat(topics.keySet()).containsExactlyInAnyOrderElementsOf(plan.stream().map(NewTopic::name).toList());
        for (NewTopic planned : plan) {
            KafkaTopic topic = topics.get(planned.name());
            Map<String, Object> expected = new TreeMap<>(planned.configs());
            expected.put(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "2");
            assertThat(topic.getSpec().getTopicName()).as(planned.name()).isNull();
            assertThat(topic.getSpec().getPartitions()).as(planned.name()).isEqualTo(planned.numPartitions());
            assertThat(topic.getSpec().getReplicas()).as(planned.name()).isEqualTo(3);
            assertThat(topic.getSpec().getConfig()).as(planned.name()).isEqualTo(expected);
            assertThat(topic.getMetadata().getLabels()).containsEntry(StrimziManifests.CLUSTER_LABEL, StrimziManifests.CLUSTER);
        }
    }

    @Test
    void shouldKeepEveryTopicForAChosenTimeOrCompactIt() {
        Map<String, Map<String, String>> configs = new TopicPlan(CONFIG).topics().stream()
                .collect(Collectors.toMap(NewTopic::name, NewTopic::configs));
        long day = 24L * 60 * 60 * 1000;

        assertThat(Map.of(Topics.EVENTS, 7 * day, Topics.PREDICTIONS, 7 * day, Topics.TRAINING_EXAMPLES, 30 * day,
                Topics.INSIGHTS, 30 * day, Topics.EVENTS_DLQ, 14 * day)).allSatisfy((topic, retention) -> {
                    assertThat(configs.get(topic)).as(topic).containsEntry(TopicConfig.RETENTION_MS_CONFIG, Long.toString(retention));
                    assertThat(configs.get(topic)).as(topic).doesNotContainKey(TopicConfig.CLEANUP_POLICY_CONFIG);
                });
        assertThat(List.of(Topics.PAGE_STATS, Topics.MODELS)).allSatisfy(topic -> {
            assertThat(configs.get(topic)).as(topic).containsEntry(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
            assertThat(configs.get(topic)).as(topic).doesNotContainKey(TopicConfig.RETENTION_MS_CONFIG);
        });
        assertThat(configs).hasSize(7);
    }

    @Test
    void shouldHaveAScramUserForEveryClientAndNoOther() throws IOException {
        List<KafkaUser> users = committed(KafkaUser.class);

        assertThat(users).extracting(user -> user.getMetadata().getName())
                .containsExactlyInAnyOrder(APPLICATION_ID, "shop-producer", "dashboards", "scoring-operator");
        assertThat(users).allSatisfy(user -> {
            assertThat(user.getSpec().getAuthentication()).isInstanceOf(KafkaUserScramSha512ClientAuthentication.class);
            assertThat(user.getSpec().getAuthorization()).isInstanceOf(KafkaUserAuthorizationSimple.class);
            assertThat(user.getMetadata().getLabels()).containsEntry(StrimziManifests.CLUSTER_LABEL, StrimziManifests.CLUSTER);
        });
    }

    @Test
    void shouldGrantTheApplicationExactlyItsTopicsGroupInternalTopicsAndTransactions() throws IOException {
        String prefix = APPLICATION_ID + "-";
        Set<AclBinding> expected = new LinkedHashSet<>();
        for (String input : List.of(Topics.EVENTS, Topics.PAGE_STATS, Topics.MODELS)) {
            expected.addAll(allow(APPLICATION_ID, ResourceType.TOPIC, input, PatternType.LITERAL, AclOperation.READ, AclOperation.DESCRIBE));
        }
        for (String output : List.of(Topics.PREDICTIONS, Topics.TRAINING_EXAMPLES, Topics.INSIGHTS, Topics.EVENTS_DLQ)) {
            expected.addAll(allow(APPLICATION_ID, ResourceType.TOPIC, output, PatternType.LITERAL, AclOperation.WRITE, AclOperation.DESCRIBE));
        }
        expected.addAll(allow(APPLICATION_ID, ResourceType.TOPIC, prefix, PatternType.PREFIXED, AclOperation.CREATE, AclOperation.DELETE,
                AclOperation.READ, AclOperation.WRITE, AclOperation.DESCRIBE, AclOperation.DESCRIBE_CONFIGS));
        expected.addAll(allow(APPLICATION_ID, ResourceType.GROUP, APPLICATION_ID, PatternType.LITERAL, AclOperation.READ, AclOperation.DESCRIBE));
        expected.addAll(allow(APPLICATION_ID, ResourceType.TRANSACTIONAL_ID, prefix, PatternType.PREFIXED, AclOperation.WRITE,
                AclOperation.DESCRIBE));

        assertThat(acls(APPLICATION_ID)).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void shouldGrantTheApplicationEveryTopicItsTopologyReadsAndWrites() throws IOException {
        TopologyDescription topology = ScoringTopology.build(CONFIG, () -> ActiveModels.of(TestModels.scoringModel()), PredictionCache.off(),
                ScoringMetrics.inMemory()).describe();
        Set<String> planned = new TopicPlan(CONFIG).topics().stream().map(NewTopic::name).collect(Collectors.toSet());
        Set<String> sources = new LinkedHashSet<>();
        Set<String> sinks = new LinkedHashSet<>();
        Set<String> stores = new LinkedHashSet<>();
        topology.globalStores().forEach(store -> sources.addAll(store.source().topicSet()));
        topology.subtopologies().forEach(subtopology -> subtopology.nodes().forEach(node -> {
            if (node instanceof TopologyDescription.Source source) {
                sources.addAll(source.topicSet());
            } else if (node instanceof TopologyDescription.Sink sink) {
                assertThat(sink.topic()).as("sink " + sink.name() + " names its topic").isNotNull();
                sinks.add(sink.topic());
            } else if (node instanceof TopologyDescription.Processor processor) {
                stores.addAll(processor.stores());
            }
        }));
        Set<AclBinding> granted = acls(APPLICATION_ID);

        // Topics of the plan keep their names; Kafka Streams prefixes the others, and changelogs, with the application id.
        for (String topic : sources) {
            String name = planned.contains(topic) ? topic : APPLICATION_ID + "-" + topic;
            assertThat(allows(granted, ResourceType.TOPIC, name, AclOperation.READ)).as("may read " + name).isTrue();
        }
        for (String topic : sinks) {
            String name = planned.contains(topic) ? topic : APPLICATION_ID + "-" + topic;
            assertThat(allows(granted, ResourceType.TOPIC, name, AclOperation.WRITE)).as("may write " + name).isTrue();
            assertThat(planned.contains(topic) || allows(granted, ResourceType.TOPIC, name, AclOperation.CREATE)).as("may create " + name).isTrue();
        }
        for (String store : stores) {
            String changelog = APPLICATION_ID + "-" + store + "-changelog";
            assertThat(Stream.of(AclOperation.CREATE, AclOperation.READ, AclOperation.WRITE).allMatch(op -> allows(granted, ResourceType.TOPIC, changelog, op)))
                    .as("may create, read and write " + changelog).isTrue();
        }
        assertThat(stores).isNotEmpty();
        // The control topic is read outside the topology, and written only by operators.
        assertThat(allows(granted, ResourceType.TOPIC, Topics.MODELS, AclOperation.READ)).isTrue();
        assertThat(allows(granted, ResourceType.TOPIC, Topics.MODELS, AclOperation.WRITE)).isFalse();
        // Everything the plan lists is read or written by the application: no topic without its reader or writer.
        Set<String> used = new LinkedHashSet<>(sources);
        used.addAll(sinks);
        used.add(Topics.MODELS);
        assertThat(used).containsAll(planned);
    }

    @Test
    void shouldLetShopsOnlyWriteEvents() throws IOException {
        assertThat(acls("shop-producer")).containsExactlyInAnyOrderElementsOf(
                allow("shop-producer", ResourceType.TOPIC, Topics.EVENTS, PatternType.LITERAL, AclOperation.WRITE, AclOperation.DESCRIBE));
    }

    @Test
    void shouldLetDashboardsOnlyReadPredictionsAndInsightsInTheirOwnGroups() throws IOException {
        Set<AclBinding> expected = new LinkedHashSet<>();
        expected.addAll(allow("dashboards", ResourceType.TOPIC, Topics.PREDICTIONS, PatternType.LITERAL, AclOperation.READ, AclOperation.DESCRIBE));
        expected.addAll(allow("dashboards", ResourceType.TOPIC, Topics.INSIGHTS, PatternType.LITERAL, AclOperation.READ, AclOperation.DESCRIBE));
        expected.addAll(allow("dashboards", ResourceType.GROUP, "dashboards-", PatternType.PREFIXED, AclOperation.READ, AclOperation.DESCRIBE));

        assertThat(acls("dashboards")).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void shouldLetOnlyTheOperatorWriteModelAnnouncements() throws IOException {
        assertThat(acls("scoring-operator")).containsExactlyInAnyOrderElementsOf(allow("scoring-operator", ResourceType.TOPIC,
                Topics.MODELS, PatternType.LITERAL, AclOperation.READ, AclOperation.WRITE, AclOperation.DESCRIBE));
        for (KafkaUser user : committed(KafkaUser.class)) {
            String name = user.getMetadata().getName();
            assertThat(allows(acls(name), ResourceType.TOPIC, Topics.MODELS, AclOperation.WRITE)).as(name).isEqualTo(name.equals("scoring-operator"));
        }
    }

    @Test
    void shouldWriteThePolicysGrantsAsTheUsersAcls() throws IOException {
        for (AccessPolicy.User user : AccessPolicy.users(CONFIG)) {
            assertThat(acls(user.name())).as(user.name()).containsExactlyInAnyOrderElementsOf(user.aclBindings());
        }
    }

    /** The ACLs of a committed KafkaUser, as the broker would hold them. */
    private static Set<AclBinding> acls(String userName) throws IOException {
        KafkaUser user = committed(KafkaUser.class).stream().filter(u -> u.getMetadata().getName().equals(userName)).findFirst()
                .orElseThrow(() -> new AssertionError("no KafkaUser " + userName + " under strimzi/"));
        String principal = new KafkaPrincipal(KafkaPrincipal.USER_TYPE, userName).toString();
        Set<AclBinding> bindings = new LinkedHashSet<>();
        for (AclRule rule : ((KafkaUserAuthorizationSimple) user.getSpec().getAuthorization()).getAcls()) {
            assertThat(rule.getType()).isEqualTo(AclRuleType.ALLOW);
            assertThat(rule.getHost()).isEqualTo("*");
            assertThat(rule.getOperations()).as("operations of " + userName).doesNotContainNull().isNotEmpty();
            ResourcePattern resource = pattern(rule);
            rule.getOperations().forEach(operation -> bindings.add(new AclBinding(resource,
                    new AccessControlEntry(principal, "*", SecurityUtils.operation(operation.toValue()), AclPermissionType.ALLOW))));
        }
        return bindings;
    }

    private static ResourcePattern pattern(AclRule rule) {
        if (rule.getResource() instanceof AclRuleTopicResource topic) {
            return new ResourcePattern(ResourceType.TOPIC, topic.getName(), patternType(topic.getPatternType()));
        } else if (rule.getResource() instanceof AclRuleGroupResource group) {
            return new ResourcePattern(ResourceType.GROUP, group.getName(), patternType(group.getPatternType()));
        } else if (rule.getResource() instanceof AclRuleTransactionalIdResource id) {
            return new ResourcePattern(ResourceType.TRANSACTIONAL_ID, id.getName(), patternType(id.getPatternType()));
        } else if (rule.getResource() instanceof AclRuleClusterResource) {
            return new ResourcePattern(ResourceType.CLUSTER, "kafka-cluster", PatternType.LITERAL);
        }
        throw new AssertionError("unknown ACL resource " + rule.getResource());
    }

    private static PatternType patternType(AclResourcePatternType type) {
        return type == AclResourcePatternType.PREFIX ? PatternType.PREFIXED : PatternType.LITERAL;
    }

    private static List<AclBinding> allow(String user, ResourceType type, String name, PatternType pattern, AclOperation... operations) {
        String principal = new KafkaPrincipal(KafkaPrincipal.USER_TYPE, user).toString();
        return Arrays.stream(operations).map(operation -> new AclBinding(new ResourcePattern(type, name, pattern),
                new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW))).toList();
    }

    /** Whether the bindings allow an operation on a named resource, as simple authorization matches literal and prefixed names. */
    private static boolean allows(Set<AclBinding> bindings, ResourceType type, String name, AclOperation operation) {
        return bindings.stream().anyMatch(binding -> binding.pattern().resourceType() == type
                && binding.entry().operation() == operation
                && (binding.pattern().patternType() == PatternType.LITERAL ? binding.pattern().name().equals(name)
                        : name.startsWith(binding.pattern().name())));
    }

    private static HasMetadata parse(String yaml) throws IOException {
        JsonNode tree = STRICT.readTree(yaml);
        Class<? extends HasMetadata> type = KINDS.get(tree.path("kind").asText());
        assertThat(type).as("kind " + tree.path("kind")).isNotNull();
        return STRICT.treeToValue((ObjectNode) tree, type);
    }

    private static <T extends HasMetadata> List<T> committed(Class<T> type) throws IOException {
        List<T> resources = new ArrayList<>();
        for (String yaml : yamlFiles(COMMITTED).values()) {
            HasMetadata resource = parse(yaml);
            if (type.isInstance(resource)) {
                resources.add(type.cast(resource));
            }
        }
        return resources;
    }

    private static <T extends HasMetadata> T single(Class<T> type) throws IOException {
        List<T> resources = committed(type);
        assertThat(resources).as(type.getSimpleName() + " under strimzi/").hasSize(1);
        return resources.get(0);
    }

    private static Map<String, String> yamlFiles(Path dir) throws IOException {
        Map<String, String> files = new HashMap<>();
        try (Stream<Path> paths = Files.list(dir)) {
            paths.filter(path -> path.getFileName().toString().endsWith(".yaml")).forEach(path -> {
                try {
                    files.put(path.getFileName().toString(), Files.readString(path, StandardCharsets.UTF_8));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        return files;
    }
}
