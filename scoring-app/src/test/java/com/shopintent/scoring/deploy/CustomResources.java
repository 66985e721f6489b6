package com.shopintent.scoring.deploy;

import static com.shopintent.scoring.deploy.Shape.BOOLEAN;
import static com.shopintent.scoring.deploy.Shape.INTEGER;
import static com.shopintent.scoring.deploy.Shape.STRING;
import static com.shopintent.scoring.deploy.Shape.fields;
import static com.shopintent.scoring.deploy.Shape.listOf;
import static com.shopintent.scoring.deploy.Shape.mapOf;
import static com.shopintent.scoring.deploy.Shape.stringMap;
import static com.shopintent.scoring.deploy.Shape.typed;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBehavior;
import java.util.Map;
import java.util.Set;

/**
 * The fields k8s/ may use in KEDA's ScaledObject and TriggerAuthentication (keda.sh/v1alpha1,
 * KEDA 2.13 or later) and the Prometheus Operator's PodMonitor (monitoring.coreos.com/v1), from
 * their reference documentation; a subset where the full schema is large, widened when a manifest
 * needs more.
 */
final class CustomResources {

    /** The kafka scaler's trigger metadata (KEDA's "Apache Kafka" scaler page). */
    static final Set<String> KAFKA_TRIGGER_METADATA = Set.of("bootstrapServers", "consumerGroup", "topic", "lagThreshold",
            "activationLagThreshold", "offsetResetPolicy", "allowIdleConsumers", "scaleToZeroOnInvalidOffset",
            "excludePersistentLag", "limitToPartitionsWithLag", "ensureEvenDistributionOfPartitions", "version",
            "partitionLimitation", "sasl", "saslTokenProvider", "tls", "unsafeSsl", "awsRegion");

    /** The kafka scaler's authentication parameters, which a TriggerAuthentication may fill. */
    static final Set<String> KAFKA_AUTH_PARAMETERS = Set.of("sasl", "saslTokenProvider", "username", "password", "keytab",
            "realm", "kerberosConfig", "kerberosServiceName", "kerberosDisableFAST", "oauthTokenEndpointUri", "scopes",
            "oauthExtensions", "tls", "ca", "cert", "key", "keyPassword", "awsRoleArn", "awsAccessKeyID", "awsSecretAccessKey");

    private static final Shape METADATA = fields(Map.of("name", STRING, "namespace", STRING, "labels", mapOf(STRING),
            "annotations", mapOf(STRING)));
    private static final Shape SCALED_OBJECT_SPEC = fields(Map.ofEntries(
            Map.entry("scaleTargetRef", fields(Map.of("apiVersion", STRING, "kind", STRING, "name", STRING,
                    "envSourceContainerName", STRING))),
            Map.entry("pollingInterval", INTEGER),
            Map.entry("cooldownPeriod", INTEGER),
            Map.entry("initialCooldownPeriod", INTEGER),
            Map.entry("idleReplicaCount", INTEGER),
            Map.entry("minReplicaCount", INTEGER),
            Map.entry("maxReplicaCount", INTEGER),
            Map.entry("fallback", fields(Map.of("failureThreshold", INTEGER, "replicas", INTEGER, "behavior", STRING))),
            Map.entry("advanced", fields(Map.of(
                    "restoreToOriginalReplicaCount", BOOLEAN,
                    "horizontalPodAutoscalerConfig", fields(Map.of("name", STRING,
                            "behavior", typed(HorizontalPodAutoscalerBehavior.class))),
                    "scalingModifiers", fields(Map.of("formula", STRING, "target", STRING, "activationTarget", STRING,
                            "metricType", STRING))))),
            Map.entry("triggers", listOf(fields(Map.of(
                    "type", STRING,
                    "name", STRING,
                    "metadata", stringMap(KAFKA_TRIGGER_METADATA),
                    "authenticationRef", fields(Map.of("name", STRING, "kind", STRING)),
                    "metricType", STRING,
                    "useCachedMetrics", BOOLEAN))))));

    private static final Shape TARGET_REF = listOf(fields(Map.of("parameter", STRING, "name", STRING, "key", STRING)));
    private static final Shape TRIGGER_AUTHENTICATION_SPEC = fields(Map.of(
            "secretTargetRef", TARGET_REF,
            "configMapTargetRef", TARGET_REF,
            "env", listOf(fields(Map.of("parameter", STRING, "name", STRING, "containerName", STRING)))));

    private static final Shape POD_MONITOR_SPEC = fields(Map.of(
            "selector", typed(LabelSelector.class),
            "namespaceSelector", fields(Map.of("any", BOOLEAN, "matchNames", listOf(STRING))),
            "jobLabel", STRING,
            "podTargetLabels", listOf(STRING),
            "sampleLimit", INTEGER,
            "podMetricsEndpoints", listOf(fields(Map.ofEntries(
                    Map.entry("port", STRING),
                    Map.entry("portNumber", INTEGER),
                    Map.entry("path", STRING),
                    Map.entry("scheme", STRING),
                    Map.entry("interval", STRING),
                    Map.entry("scrapeTimeout", STRING),
                    Map.entry("honorLabels", BOOLEAN),
                    Map.entry("honorTimestamps", BOOLEAN),
                    Map.entry("params", mapOf(listOf(STRING))),
                    Map.entry("relabelings", listOf(Shape.ANY)),
                    Map.entry("metricRelabelings", listOf(Shape.ANY)))))));

    /** By apiVersion/kind. */
    static final Map<String, Shape> KINDS = Map.of(
            "keda.sh/v1alpha1/ScaledObject", object(SCALED_OBJECT_SPEC),
            "keda.sh/v1alpha1/TriggerAuthentication", object(TRIGGER_AUTHENTICATION_SPEC),
            "monitoring.coreos.com/v1/PodMonitor", object(POD_MONITOR_SPEC));

    private CustomResources() {
    }

    private static Shape object(Shape spec) {
        return fields(Map.of("apiVersion", STRING, "kind", STRING, "metadata", METADATA, "spec", spec));
    }
}
