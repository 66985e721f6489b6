package com.shopintent.scoring.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.shopintent.scoring.TestCertificates;
import com.shopintent.scoring.config.ScoringConfig;
import com.shopintent.scoring.config.Setting;
import com.shopintent.scoring.metrics.ScoringMetrics;
import com.shopintent.scoring.runtime.HttpEndpoints;
import com.shopintent.scoring.runtime.Readiness;
import com.shopintent.scoring.runtime.ScoringApp;
import com.shopintent.scoring.runtime.TopicPlan;
import com.shopintent.scoring.topology.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The rendered deployments (base, each overlay, and with the optional components) against the
 * application itself: the settings it accepts, its consumer group and input topic, its
 * partitions, HTTP endpoints, close timeout and meters.
 */
class KubernetesOverlaysTest {

    private static final String STATEFUL_SET = "shop-intent-scoring";
    private static final String CONTAINER = "scoring";
    /** The overlay that may scale to zero (its ScaledObject says why); every other keeps an instance. */
    private static final String SCALES_TO_ZERO = "overlays/dev";

    /** What each case renders: a kustomization directory under k8s/, plus components it does not list itself. */
    record Deployment(String dir, List<String> extraComponents) {
        List<ObjectNode> render() {
            return Kustomize.render(Manifests.k8s().resolve(dir), extraComponents.stream().map(c -> Manifests.k8s().resolve(c)).toList());
        }

        @Override
        public String toString() {
            return extraComponents.isEmpty() ? dir : dir + " + " + extraComponents;
        }
    }

    static List<Deployment> deployments() {
        return List.of(new Deployment("base", List.of()), new Deployment("overlays/dev", List.of()),
                new Deployment("overlays/prod", List.of()), new Deployment("overlays/prod-hpa", List.of()),
                new Deployment("base", List.of("components/redis")), new Deployment("base", List.of("components/hpa")),
                new Deployment("base", List.of("components/hpa", "components/redis")));
    }

    // ---------------------------------------------------------------------------------------------- rendering

    @ParameterizedTest
    @MethodSource("deployments")
    void shouldRenderAsKubectlKustomizeDoes(Deployment deployment) throws Exception {
        assumeTrue(kubectlWorks(), "kubectl is not installed: the render is checked by the other tests only");
        Path dir = Manifests.k8s().resolve(deployment.dir());
        Path wrapper = null;
        if (!deployment.extraComponents().isEmpty()) {
            // The extra components, listed by a kustomization of their own; only over the base, which
            // has no transformers that would run before them in Kustomize.render but after them here.
            assertThat(deployment.dir()).isEqualTo("base");
            wrapper = Files.createTempDirectory(Manifests.root().resolve("scoring-app/target"), "kustomize");
            Path from = wrapper;
            StringBuilder text = new StringBuilder("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n");
            text.append("  - ").append(from.relativize(dir)).append("\ncomponents:\n");
            deployment.extraComponents().forEach(c -> text.append("  - ").append(from.relativize(Manifests.k8s().resolve(c))).append('\n'));
            Files.writeString(wrapper.resolve("kustomization.yaml"), text, StandardCharsets.UTF_8);
        }
        Process process = new ProcessBuilder("kubectl", "kustomize", (wrapper == null ? dir : wrapper).toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] output = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("kubectl kustomize " + deployment).isZero();
        Path rendered = Files.createTempFile("kustomize", ".yaml");
        try {
            Files.write(rendered, output);
            assertThat(byIdentity(Manifests.documents(rendered))).isEqualTo(byIdentity(deployment.render()));
        } finally {
            Files.delete(rendered);
            if (wrapper != null) {
                Files.delete(wrapper.resolve("kustomization.yaml"));
                Files.delete(wrapper);
            }
        }
    }

    private static boolean kubectlWorks() {
        try {
            Process process = new ProcessBuilder("kubectl", "version", "--client").redirectErrorStream(true).start();
            process.getInputStream().readAllBytes();
            return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static Map<String, JsonNode> byIdentity(List<ObjectNode> objects) {
        Map<String, JsonNode> map = new LinkedHashMap<>();
        objects.forEach(o -> map.put(TypedModel.key(o) + " " + o.at("/metadata/namespace").asText() + "/" + Manifests.name(o), o));
        return map;
    }

    @ParameterizedTest
    @MethodSource("deployments")
    void shouldRenderObjectsThatReadIntoTheirModels(Deployment deployment) {
        for (ObjectNode object : deployment.render()) {
            assertThat(KubernetesManifestsTest.modelProblems(object)).as(deployment + " " + Manifests.name(object)).isEmpty();
            if (!deployment.dir().equals("base")) {
                assertThat(object.at("/metadata/namespace").asText()).as(deployment + " " + Manifests.name(object)).isNotEmpty();
            }
        }
    }

    // ---------------------------------------------------------------------------------------------- settings

    @ParameterizedTest
    @MethodSource("deployments")
    void shouldGiveTheApplicationOnlySettingsItAccepts(Deployment deployment) {
        List<ObjectNode> objects = deployment.render();
        ObjectNode pod = podSpec(objects);
        for (JsonNode container : KubernetesManifestsTest.containers(pod)) {
            ScoringConfig config = config(objects, container);
            Set<String> kafkaProperties = new HashSet<>(StreamsConfig.configDef().names());
            kafkaProperties.addAll(ConsumerConfig.configNames());
            kafkaProperties.addAll(ProducerConfig.configNames());
            kafkaProperties.addAll(AdminClientConfig.configNames());
            assertThat(kafkaProperties).as(deployment + ": SCORING_KAFKA_* must name Kafka client properties")
                    .containsAll(config.kafkaProperties().keySet());
        }
    }

    /**
     * The settings a container gets, read by the application's own parser, which refuses unknown
     * SCORING_ variables and invalid values, and reads the files they name. Values from the pod
     * (the pod name) and from Secrets are stand-ins of the right form; so is a file of a Secret
     * mounted in the container, which must be one the volume projects.
     */
    static ScoringConfig config(List<ObjectNode> objects, JsonNode container) {
        Map<String, String> env = environment(objects, container);
        JsonNode pod = podSpec(objects);
        env.replaceAll((name, value) -> secretKey(pod, container, value).map(key -> standIn(key).toString()).orElse(value));
        return ScoringConfig.from(env);
    }

    /** The variables a container gets, as the manifests write them: its ConfigMaps' data, then its own env. */
    static Map<String, String> environment(List<ObjectNode> objects, JsonNode container) {
        Map<String, String> env = new LinkedHashMap<>();
        for (JsonNode source : container.path("envFrom")) {
            String name = source.at("/configMapRef/name").asText();
            assertThat(name).as("envFrom names a ConfigMap").isNotEmpty();
            object(objects, "ConfigMap", name).path("data").properties().forEach(e -> env.put(e.getKey(), e.getValue().asText()));
        }
        for (JsonNode variable : container.path("env")) {
            String name = variable.path("name").asText();
            if (variable.has("value")) {
                env.put(name, variable.get("value").asText());
            } else if (variable.at("/valueFrom/fieldRef/fieldPath").asText().equals("metadata.name")) {
                env.put(name, STATEFUL_SET + "-0");
            } else if (variable.at("/valueFrom/secretKeyRef").isObject()) {
                env.put(name, name.equals(ScoringConfig.REDIS_URI.env()) ? "redis://:from-secret@redis-0:6379" : "from-secret");
            } else {
                throw new AssertionError(name + " has a value source these tests do not know: " + variable);
            }
        }
        return env;
    }

    /** The key of the Secret whose file {@code value} names in a Secret volume of the container, if it names one. */
    private static Optional<String> secretKey(JsonNode pod, JsonNode container, String value) {
        if (!value.startsWith("/")) {
            return Optional.empty();
        }
        Path file = Path.of(value);
        Optional<JsonNode> mount = findMount(container, file);
        if (mount.isEmpty()) {
            return Optional.empty();
        }
        // A volume of the pod, or else a volume claim template's.
        JsonNode secret = null;
        for (JsonNode volume : pod.path("volumes")) {
            if (volume.path("name").asText().equals(mount.get().path("name").asText()) && volume.path("secret").isObject()) {
                secret = volume.path("secret");
            }
        }
        if (secret == null) {
            return Optional.empty();
        }
        String path = relative(mount.get(), file);
        if (!secret.has("items")) {
            return Optional.of(path);
        }
        for (JsonNode item : secret.path("items")) {
            if (item.path("path").asText().equals(path)) {
                return Optional.of(item.path("key").asText());
            }
        }
        throw new AssertionError(value + " is no file of the Secret volume " + mount.get().path("name").asText() + ": " + secret);
    }

    private static final Map<String, Path> STAND_INS = new ConcurrentHashMap<>();

    /** A file standing in for a key of a mounted Secret: a CA certificate of this test's own for a .crt, a word otherwise. */
    private static Path standIn(String key) {
        return STAND_INS.computeIfAbsent(key, k -> {
            try {
                Path dir = Files.createDirectories(Manifests.root().resolve("scoring-app/target/kubernetes-secret-stand-ins"));
                if (k.endsWith(".crt")) {
                    return TestCertificates.forLocalhost(Files.createTempDirectory(dir, "ca")).caPem();
                }
                return Files.writeString(Files.createTempFile(dir, "key", ""), "from-secret\n", StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    // ---------------------------------------------------------------------------------------------- autoscaling

    @ParameterizedTest
    @MethodSource("deployments")
    void shouldHaveExactlyOneAutoscalerForTheStatefulSet(Deployment deployment) {
        List<ObjectNode> objects = deployment.render();
        List<ObjectNode> autoscalers = objects.stream().filter(o -> Set.of("ScaledObject", "HorizontalPodAutoscaler").contains(Manifests.kind(o)))
                .toList();
        assertThat(autoscalers).as(deployment + ": KEDA and an HPA would fight over the replicas").hasSize(1);
        assertThat(autoscalers.get(0).at("/spec/scaleTargetRef/kind").asText()).isEqualTo("StatefulSet");
        assertThat(autoscalers.get(0).at("/spec/scaleTargetRef/name").asText()).isEqualTo(STATEFUL_SET);
        assertThat(object(objects, "StatefulSet", STATEFUL_SET).at("/spec/replicas").isMissingNode())
                .as("replicas belong to the autoscaler; a value would reset them on every apply").isTrue();
    }

    @ParameterizedTest
    @MethodSource("deployments")
    void shouldScaleBetweenOneInstanceAndThePartitionsOfTheInputTopic(Deployment deployment) {
        List<ObjectNode> objects = deployment.render();
        ScoringConfig config = config(objects, scoringContainer(objects));
        int partitions = new TopicPlan(config).topics().stream().filter(t -> t.name().equals(Topics.EVENTS))
                .mapToInt(NewTopic::numPartitions).findFirst().orElseThrow();
        JsonNode autoscaler = autoscaler(objects);
        boolean keda = Manifests.kind(autoscaler).equals("ScaledObject");
        int min = autoscaler.at(keda ? "/spec/minReplicaCount" : "/spec/minReplicas").asInt();
        int max = autoscaler.at(keda ? "/spec/maxReplicaCount" : "/spec/maxReplicas").asInt();

        assertThat(max).as(deployment + ": instances beyond the partitions of " + Topics.EVENTS + " idle").isBetween(1, partitions);
        if (!deployment.dir().equals(SCALES_TO_ZERO)) {
            assertThat(min).as(deployment + ": idle sessions and windows close only in a running instance").isPositive();
        }
        int standbys = config.get(ScoringConfig.STANDBY_REPLICAS);
        if (standbys > 0) {
            assertThat(min).as(deployment + ": a standby lives on another instance").isGreaterThan(standbys);
        }
        assertThat(min).isLessThanOrEqualTo(max);
    }

    @Test
    void shouldRunTwelvePartitionsInProductionAsTheKafkaTopicInStrimziSays() throws java.io.IOException {
        JsonNode topic = new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
                .readTree(Manifests.k8s().resolveSibling("strimzi").resolve(Topics.EVENTS + "-kafkatopic.yaml").toFile());
        assertThat(topic.at("/spec/partitions").asInt()).as("strimzi/ KafkaTopic " + Topics.EVENTS).isEqualTo(12);
        for (String prod : List.of("overlays/prod", "overlays/prod-hpa")) {
            List<ObjectNode> objects = Kustomize.render(Manifests.k8s().resolve(prod));
            ScoringConfig config = config(objects, scoringContainer(objects));
            assertThat(config.get(ScoringConfig.PARTITIONS)).as(prod).isEqualTo(12);
            assertThat(config.get(ScoringConfig.STANDBY_REPLICAS)).as(prod).isEqualTo(1);
            JsonNode autoscaler = autoscaler(objects);
            assertThat(autoscaler.at("/spec/maxReplicaCount").asInt(autoscaler.at("/spec/maxReplicas").asInt())).as(prod).isEqualTo(12);
        }
    }

    @ParameterizedTest
    @MethodSource("deployments")
    void shouldScaleOnTheLagOfTheApplicationsConsumerGroupOnItsInputTopic(Deployment deployment) {
        List<ObjectNode> objects = deployment.render();
        JsonNode autoscaler = autoscaler(objects);
        assumeTrue(Manifests.kind(autoscaler).equals("ScaledObject"), "scaled by an HPA");
        ScoringConfig config = config(objects, scoringContainer(objects));
        JsonNode trigger = autoscaler.at("/spec/triggers/0");
        JsonNode metadata = trigger.path("metadata");

        assertThat(autoscaler.at("/spec/triggers").size()).isEqualTo(1);
        assertThat(trigger.path("type").asText()).isEqualTo("kafka");
        assertThat(metadata.path("consumerGroup").asText()).isEqualTo(config.get(ScoringConfig.APPLICATION_ID));
        assertThat(metadata.path("topic").asText()).as("the repartition topics would count events twice").isEqualTo(Topics.EVENTS);
        assertThat(metadata.path("bootstrapServers").asText()).isEqualTo(config.get(ScoringConfig.BOOTSTRAP_SERVERS));
        assertThat(metadata.path("allowIdleConsumers").asText()).isEqualTo("false");
        assertThat(metadata.path("limitToPartitionsWithLag").asText()).isEqualTo("true");
        // Kafka Streams' default auto.offset.reset, which the application does not change.
        assertThat(config.kafkaProperties()).doesNotContainKey(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG);
        assertThat(metadata.path("offsetResetPolicy").asText()).isEqualTo("earliest");
        // KEDA's scram_sha512 is Kafka's SCRAM-SHA-512.
        assertThat(metadata.path("sasl").asText().replaceAll("[^A-Za-z0-9]", ""))
                .isEqualToIgnoringCase(config.kafkaProperties().get("sasl.mechanism").replaceAll("[^A-Za-z0-9]", ""));
        assertThat(metadata.path("tls").asText()).isEqualTo(
                config.kafkaProperties().get("security.protocol").endsWith("SSL") ? "enable" : "disable");
        assertThat(Integer.parseInt(metadata.path("activationLagThreshold").asText()))
                .isLessThan(Integer.parseInt(metadata.path("lagThreshold").asText()));
        assertThat(autoscaler.at("/spec/advanced/horizontalPodAutoscalerConfig/behavior/scaleDown/stabilizationWindowSeconds").asInt())
                .as("a rebalance per scale-down").isGreaterThanOrEqualTo(300);
    }

    @ParameterizedTest
    @MethodSource("deployments")
    void shouldLogKedaInAsTheApplicationsKafkaUserTrustingTheClusterCa(Deployment deployment) {
        List<ObjectNode> objects = deployment.render();
        JsonNode autoscaler = autoscaler(objects);
        assumeTrue(Manifests.kind(autoscaler).equals("ScaledObject"), "scaled by an HPA");
        JsonNode authentication = object(objects, "TriggerAuthentication", autoscaler.at("/spec/triggers/0/authenticationRef/name").asText());
        Map<String, JsonNode> parameters = new LinkedHashMap<>();
        authentication.at("/spec/secretTargetRef").forEach(ref -> parameters.put(ref.path("parameter").asText(), ref));
        authentication.at("/spec/configMapTargetRef").forEach(ref -> parameters.put(ref.path("parameter").asText(), ref));
        assertThat(CustomResources.KAFKA_AUTH_PARAMETERS).containsAll(parameters.keySet());

        JsonNode container = scoringContainer(objects);
        Map<String, String> env = environment(objects, container);
        JsonNode username = parameters.get("username");
        assertThat(object(objects, "ConfigMap", username.path("name").asText()).at("/data/" + username.path("key").asText()).asText())
                .as("the application's Kafka user").isEqualTo(env.get(ScoringConfig.KAFKA_SASL_USERNAME.env()));
        JsonNode password = secretVolume(podSpec(objects), container, file(env, ScoringConfig.KAFKA_SASL_PASSWORD_FILE));
        assertThat(parameters.get("password").path("name").asText()).as("the KafkaUser's Secret the pods mount")
                .isEqualTo(password.path("secretName").asText());
        assertThat(parameters.get("password").path("key").asText()).isEqualTo(password.at("/items/0/key").asText());
        JsonNode ca = secretVolume(podSpec(objects), container, file(env, ScoringConfig.KAFKA_TLS_CA));
        assertThat(parameters.get("ca").path("name").asText()).isEqualTo(ca.path("secretName").asText());
        assertThat(parameters.get("ca").path("key").asText()).isEqualTo(ca.at("/items/0/key").asText());
    }

    /** {@code lagThreshold = <rate> events/s × <seconds> s = <threshold>} in the ScaledObject's comments. */
    private static final Pattern LAG_ARITHMETIC = Pattern.compile("lagThreshold = (\\d+) events/s × (\\d+) s = (\\d+)");
    /** {@code averageValue = 0.8 × <rate> events/s = <value>} in the HPA's comments. */
    private static final Pattern HPA_ARITHMETIC = Pattern.compile("averageValue = 0\\.8 × (\\d+) events/s = (\\d+)");

    @Test
    void shouldDeriveBothAutoscalersTargetsFromOnePerInstanceRate() throws IOException {
        Matcher lag = LAG_ARITHMETIC.matcher(Files.readString(Manifests.k8s().resolve("base/scoring-scaledobject.yaml"), StandardCharsets.UTF_8));
        assertThat(lag.find()).as("the arithmetic is written beside lagThreshold").isTrue();
        int rate = Integer.parseInt(lag.group(1));
        assertThat(rate * Integer.parseInt(lag.group(2))).isEqualTo(Integer.parseInt(lag.group(3)));
        Matcher hpa = HPA_ARITHMETIC.matcher(Files.readString(Manifests.k8s().resolve("components/hpa/scoring-horizontalpodautoscaler.yaml"),
                StandardCharsets.UTF_8));
        assertThat(hpa.find()).as("the arithmetic is written beside averageValue").isTrue();
        assertThat(Integer.parseInt(hpa.group(1))).as("one per-instance rate for both autoscalers").isEqualTo(rate);
        assertThat(rate * 8 / 10).isEqualTo(Integer.parseInt(hpa.group(2)));

        for (Deployment deployment : deployments()) {
            List<ObjectNode> objects = deployment.render();
            JsonNode autoscaler = autoscaler(objects);
            if (Manifests.kind(autoscaler).equals("ScaledObject")) {
                assertThat(autoscaler.at("/spec/triggers/0/metadata/lagThreshold").asText()).as(deployment.toString()).isEqualTo(lag.group(3));
            } else {
                assertThat(autoscaler.at("/spec/metrics").findValuesAsText("averageValue")).as(deployment.toString()).containsExactly(hpa.group(2));
            }
        }
    }

    @Test
    void shouldScaleTheHpaOnMetersTheApplicationExports() throws IOException {
        List<ObjectNode> objects = Kustomize.render(Manifests.k8s().resolve("overlays/prod-hpa"));
        JsonNode hpa = autoscaler(objects);
        List<String> types = hpa.at("/spec/metrics").findValuesAsText("type");
        assertThat(types).contains("Resource", "Pods");
        assertThat(hpa.at("/spec/metrics").findValuesAsText("averageUtilization")).containsExactlyInAnyOrder("70", "80");

        ObjectNode adapter = Manifests.document(Manifests.k8s().resolve(Manifests.ADAPTER_VALUES));
        Map<String, String> served = new LinkedHashMap<>();
        for (JsonNode rule : adapter.at("/rules/custom")) {
            Matcher series = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)\\{").matcher(rule.path("seriesQuery").asText());
            assertThat(series.find()).as("seriesQuery names one series: " + rule).isTrue();
            assertThat(rule.at("/name/matches").asText()).isEqualTo("^" + series.group(1) + "$");
            assertThat(rule.path("metricsQuery").asText()).contains("rate(<<.Series>>");
            served.put(rule.at("/name/as").asText(), series.group(1));
        }
        Set<String> exported = exportedSeries();
        for (JsonNode metric : hpa.at("/spec/metrics")) {
            if (metric.path("type").asText().equals("Pods")) {
                String name = metric.at("/pods/metric/name").asText();
                assertThat(served).as("prometheus-adapter serves " + name).containsKey(name);
                assertThat(exported).as("the application exports " + served.get(name)).contains(served.get(name));
            }
        }
        JsonNode behavior = hpa.at("/spec/behavior");
        assertThat(behavior.at("/scaleUp/stabilizationWindowSeconds").asInt()).isZero();
        assertThat(behavior.at("/scaleUp/policies/0/type").asText()).isEqualTo("Percent");
        assertThat(behavior.at("/scaleDown/stabilizationWindowSeconds").asInt()).isEqualTo(300);
        assertThat(behavior.at("/scaleDown/policies/0/type").asText()).isEqualTo("Pods");
        assertThat(behavior.at("/scaleDown/policies/0/value").asInt()).isEqualTo(1);
    }

    /** The series names of the application's meters as Prometheus sees them, from a scrape. */
    private static Set<String> exportedSeries() {
        Set<String> names = new HashSet<>();
        for (String line : ScoringMetrics.prometheus().scrape().split("\n")) {
            if (line.startsWith("# TYPE ")) {
                String[] parts = line.split(" ");
                names.add(parts[2]);
                if (parts[3].equals("counter") && !parts[2].endsWith("_total")) {
                    names.add(parts[2] + "_total");
                }
            } else if (!line.startsWith("#") && !line.isBlank()) {
                names.add(line.split("[{ ]")[0]);
            }
        }
        return names;
    }

    // ---------------------------------------------------------------------------------------------- the pod

    @ParameterizedTest
    @MethodSource("deployments")
    void shouldProbeAndScrapeTheApplicationsOwnEndpointsOnItsPort(Deployment deployment) throws Exception {
        List<ObjectNode> objects = deployment.render();
        JsonNode container = scoringContainer(objects);
        int port = config(objects, container).get(ScoringConfig.HTTP_PORT);
        Map<String, Integer> ports = new LinkedHashMap<>();
        container.path("ports").forEach(p -> ports.put(p.path("name").asText(), p.path("containerPort").asInt()));
        assertThat(ports).containsEntry("http", port);

        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
            assertThat(container.at("/" + probe + "/httpGet/port").asText()).as(probe).isEqualTo("http");
        }
        JsonNode podMonitor = object(objects, "PodMonitor", STATEFUL_SET);
        assertThat(podMonitor.at("/spec/podMetricsEndpoints/0/port").asText()).isEqualTo("http");
        for (JsonNode service : objects.stream().filter(o -> Manifests.kind(o).equals("Service") && Manifests.name(o).startsWith(STATEFUL_SET)).toList()) {
            assertThat(service.at("/spec/ports/0/port").asInt()).as(Manifests.name(service)).isEqualTo(port);
            assertThat(service.at("/spec/ports/0/targetPort").asText()).as(Manifests.name(service)).isEqualTo("http");
        }
        JsonNode policy = object(objects, "NetworkPolicy", STATEFUL_SET);
        assertThat(policy.at("/spec/ingress/0/ports/0/port").asInt()).isEqualTo(port);

        // The paths, asked of the application's own HTTP server: it is up and not ready (starting).
        Readiness readiness = new Readiness();
        readiness.step("loading model");
        try (HttpEndpoints endpoints = new HttpEndpoints(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), readiness,
                ScoringMetrics.prometheus()).start()) {
            assertThat(status(endpoints, container.at("/startupProbe/httpGet/path").asText())).isEqualTo(200);
            assertThat(status(endpoints, container.at("/livenessProbe/httpGet/path").asText())).isEqualTo(200);
            assertThat(status(endpoints, container.at("/readinessProbe/httpGet/path").asText())).isEqualTo(503);
            assertThat(status(endpoints, podMonitor.at("/spec/podMetricsEndpoints/0/path").asText())).isEqualTo(200);
            assertThat(status(endpoints, "/no-such-path")).as("an unknown path would not pass for a probe").isEqualTo(404);
        }
    }

    private static int status(HttpEndpoints endpoints, String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoints.port() + path))
                .timeout(Duration.ofSeconds(10)).build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @ParameterizedTest
    @MethodSource("deployments")
    void shouldGiveTheCloseItsTimeBeforeKilling(Deployment deployment) {
        long grace = podSpec(deployment.render()).path("terminationGracePeriodSeconds").asLong();
        assertThat(grace).as("Kafka Streams' close, plus the JVM's exit").isGreaterThanOrEqualTo(ScoringApp.CLOSE_TIMEOUT.toSeconds() + 10);
    }

    @ParameterizedTest
    @MethodSource("deployments")
    void shouldNameEachInstanceAfterItsPodAndKeepItsStateOnItsOwnVolume(Deployment deployment) {
        List<ObjectNode> objects = deployment.render();
        JsonNode statefulSet = object(objects, "StatefulSet", STATEFUL_SET);
        JsonNode pod = podSpec(objects);
        JsonNode container = scoringContainer(objects);
        ScoringConfig config = config(objects, container);

        assertThat(env(container, ScoringConfig.INSTANCE_ID.env()).at("/valueFrom/fieldRef/fieldPath").asText()).isEqualTo("metadata.name");
        assertThat(statefulSet.at("/spec/podManagementPolicy").asText()).isEqualTo("Parallel");
        assertThat(statefulSet.at("/spec/serviceName").asText()).satisfies(name ->
                assertThat(object(objects, "Service", name).at("/spec/clusterIP").asText()).isEqualTo("None"));

        Set<String> claims = new HashSet<>();
        statefulSet.at("/spec/volumeClaimTemplates").forEach(claim -> claims.add(claim.at("/metadata/name").asText()));
        assertThat(claims).contains(mount(container, config.get(ScoringConfig.STATE_DIR)).path("name").asText());

        // The init container writes the model where the application reads it, from the same image.
        JsonNode init = pod.at("/initContainers/0");
        List<String> args = new ArrayList<>();
        init.path("args").forEach(a -> args.add(a.asText()));
        assertThat(args.subList(0, 2)).containsExactly("models", "pull");
        assertThat(Path.of(args.get(args.indexOf("--to") + 1))).isEqualTo(config.get(ScoringConfig.MODEL_DIR));
        assertThat(init.path("image").asText()).isEqualTo(container.path("image").asText());
        assertThat(mount(init, config.get(ScoringConfig.MODEL_DIR)).path("name").asText())
                .isEqualTo(mount(container, config.get(ScoringConfig.MODEL_DIR)).path("name").asText());
        assertThat(mount(container, config.get(ScoringConfig.MODEL_DIR)).path("readOnly").asBoolean()).isTrue();

        // A read-only root: the JVM unpacks RocksDB's native library to /tmp.
        for (JsonNode c : KubernetesManifestsTest.containers(pod)) {
            assertThat(volume(pod, mount(c, Path.of("/tmp")).path("name").asText()).has("emptyDir")).isTrue();
        }
    }

    @ParameterizedTest
    @MethodSource("deployments")
    void shouldLogInToKafkaWithThePasswordFileOfTheKafkaUsersSecretAndTheClusterCa(Deployment deployment) throws IOException {
        List<ObjectNode> objects = deployment.render();
        JsonNode pod = podSpec(objects);
        for (JsonNode container : KubernetesManifestsTest.containers(pod)) {
            String which = deployment + " container " + container.path("name").asText();
            Map<String, String> env = environment(objects, container);
            // The typed settings, not the pass-through properties they stand for (which the
            // application would refuse beside them) nor the password itself.
            assertThat(env).as(which).doesNotContainKeys("SCORING_KAFKA_SASL_JAAS_CONFIG", ScoringConfig.KAFKA_SASL_PASSWORD.env(),
                    "SCORING_KAFKA_SECURITY_PROTOCOL", "SCORING_KAFKA_SASL_MECHANISM", "SCORING_KAFKA_SSL_TRUSTSTORE_TYPE",
                    "SCORING_KAFKA_SSL_TRUSTSTORE_LOCATION", "SCORING_KAFKA_SSL_TRUSTSTORE_CERTIFICATES");
            assertThat(config(objects, container).kafkaProperties()).as(which).containsEntry("security.protocol", "SASL_SSL")
                    .containsEntry("sasl.mechanism", "SCRAM-SHA-512").containsEntry("ssl.truststore.type", "PEM").containsKey("sasl.jaas.config");

            // The user: a KafkaUser of strimzi/ with SCRAM-SHA-512 credentials.
            String user = env.get(ScoringConfig.KAFKA_SASL_USERNAME.env());
            assertThat(user).as(which).isNotNull();
            Path kafkaUserFile = Manifests.root().resolve("strimzi").resolve(user + "-kafkauser.yaml");
            assertThat(kafkaUserFile).as(which + ": the KafkaUser " + user).isRegularFile();
            JsonNode kafkaUser = Manifests.YAML.readTree(kafkaUserFile.toFile());
            assertThat(Manifests.kind(kafkaUser) + " " + Manifests.name(kafkaUser)).as(which).isEqualTo("KafkaUser " + user);
            assertThat(kafkaUser.at("/spec/authentication/type").asText()).as(which).isEqualTo("scram-sha-512");

            // Its password: the key password (not the JAAS line beside it) of the Secret Strimzi's
            // User Operator names after the user, a read-only file the containers' user reads.
            Path passwordFile = file(env, ScoringConfig.KAFKA_SASL_PASSWORD_FILE);
            JsonNode passwordMount = mount(container, passwordFile);
            assertThat(passwordMount.path("readOnly").asBoolean()).as(which).isTrue();
            JsonNode password = secretVolume(pod, container, passwordFile);
            assertThat(password.path("secretName").asText()).as(which).isEqualTo(user);
            assertThat(password.path("items").size()).as(which + ": the one key").isEqualTo(1);
            assertThat(password.at("/items/0/key").asText()).as(which).isEqualTo("password");
            assertThat(password.at("/items/0/path").asText()).as(which).isEqualTo(relative(passwordMount, passwordFile));
            int mode = password.at("/items/0/mode").asInt(password.path("defaultMode").asInt(0644));
            assertThat(mode & 0222).as(which + ": nobody writes the password file").isZero();
            assertThat(mode & 0007).as(which + ": other users do not read it").isZero();
            // The kubelet gives a Secret volume's files to root and the group fsGroup, a group of every container.
            assertThat(pod.at("/securityContext/fsGroup").asInt()).as(which).isPositive();
            assertThat(mode & 0040).as(which + ": the group fsGroup reads it").isNotZero();

            // The cluster CA: ca.crt of Strimzi's Secret <cluster>-cluster-ca-cert, mounted read-only.
            Path ca = file(env, ScoringConfig.KAFKA_TLS_CA);
            JsonNode caMount = mount(container, ca);
            assertThat(caMount.path("readOnly").asBoolean()).as(which).isTrue();
            JsonNode caVolume = secretVolume(pod, container, ca);
            assertThat(caVolume.path("secretName").asText()).as(which).isEqualTo(StrimziManifests.CLUSTER + "-cluster-ca-cert");
            assertThat(caVolume.at("/items/0/key").asText()).as(which).isEqualTo("ca.crt");
            assertThat(caVolume.at("/items/0/path").asText()).as(which).isEqualTo(relative(caMount, ca));

            // No variable holds anything of the user's Secret: it would show in process listings,
            // crash dumps and kubectl describe.
            for (JsonNode variable : container.path("env")) {
                JsonNode ref = variable.at("/valueFrom/secretKeyRef");
                assertThat(ref.path("name").asText()).as(which + " " + variable.path("name").asText()).isNotEqualTo(user);
                assertThat(ref.path("key").asText()).as(which + " " + variable.path("name").asText()).isNotIn("password", "sasl.jaas.config");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("deployments")
    void shouldLabelEveryObjectWithTheVersionOfTheImageItRuns(Deployment deployment) {
        List<ObjectNode> objects = deployment.render();
        String image = scoringContainer(objects).path("image").asText();
        String tag = image.substring(image.lastIndexOf(':') + 1);
        for (ObjectNode object : objects) {
            if (object.at("/metadata/labels/app.kubernetes.io~1name").asText().equals(STATEFUL_SET)) {
                assertThat(object.at("/metadata/labels/app.kubernetes.io~1version").asText()).as(Manifests.name(object)).isEqualTo(tag);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("deployments")
    void shouldReferenceConfigMapsItHasAndSecretsTheDeployGuideNames(Deployment deployment) throws IOException {
        List<ObjectNode> objects = deployment.render();
        String guide = Files.readString(Manifests.root().resolve("docs/DEPLOY.md"), StandardCharsets.UTF_8);
        for (ObjectNode object : objects) {
            for (JsonNode ref : object.findValues("configMapRef")) {
                assertThat(object(objects, "ConfigMap", ref.path("name").asText())).isNotNull();
            }
            for (JsonNode ref : object.findValues("configMap")) {
                assertThat(object(objects, "ConfigMap", ref.path("name").asText())).isNotNull();
            }
            List<String> secrets = new ArrayList<>(object.findValuesAsText("secretName"));
            object.findValues("secretKeyRef").forEach(ref -> secrets.add(ref.path("name").asText()));
            object.at("/spec/secretTargetRef").forEach(ref -> secrets.add(ref.path("name").asText()));
            object.at("/spec/configMapTargetRef").forEach(ref -> assertThat(object(objects, "ConfigMap", ref.path("name").asText())).isNotNull());
            for (String secret : secrets) {
                assertThat(guide).as("docs/DEPLOY.md says where Secret " + secret + " comes from").contains("`" + secret + "`");
            }
        }
    }

    @Test
    void shouldFormTheCustomersRedisClusterFromEveryNode() {
        List<ObjectNode> objects = Kustomize.render(Manifests.k8s().resolve("base"), List.of(Manifests.k8s().resolve("components/redis")));
        String conf = object(objects, "ConfigMap", "shop-intent-redis").at("/data/redis.conf").asText();
        assertThat(conf.lines().map(String::strip)).contains("cluster-enabled yes", "maxmemory 2gb", "maxmemory-policy allkeys-lru");
        JsonNode redis = object(objects, "StatefulSet", "shop-intent-redis");
        int nodes = redis.at("/spec/replicas").asInt();
        assertThat(nodes).isEqualTo(6);
        String limit = redis.at("/spec/template/spec/containers/0/resources/limits/memory").asText();
        assertThat(io.fabric8.kubernetes.api.model.Quantity.getAmountInBytes(new io.fabric8.kubernetes.api.model.Quantity(limit)))
                .as("maxmemory is the data alone").isGreaterThan(java.math.BigDecimal.valueOf(2L << 30));
        String job = object(objects, "Job", "shop-intent-redis-cluster-create").at("/spec/template/spec/containers/0/args/0").asText();
        Matcher ordinals = Pattern.compile("for i in ([0-9 ]+); do").matcher(job);
        assertThat(ordinals.find()).isTrue();
        assertThat(ordinals.group(1).trim().split(" ")).hasSize(nodes);
        assertThat(job).contains("--cluster-replicas 1");
        ScoringConfig config = config(objects, scoringContainer(objects));
        assertThat(config.get(ScoringConfig.CACHE)).isEqualTo(ScoringConfig.CacheMode.ON);
        assertThat(config.get(ScoringConfig.REDIS_CLUSTER)).isTrue();
    }

    // ---------------------------------------------------------------------------------------------- helpers

    static ObjectNode object(List<ObjectNode> objects, String kind, String name) {
        return objects.stream().filter(o -> Manifests.kind(o).equals(kind) && Manifests.name(o).equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in the rendered objects"));
    }

    private static JsonNode autoscaler(List<ObjectNode> objects) {
        return objects.stream().filter(o -> Set.of("ScaledObject", "HorizontalPodAutoscaler").contains(Manifests.kind(o)))
                .findFirst().orElseThrow(() -> new AssertionError("no autoscaler"));
    }

    static ObjectNode podSpec(List<ObjectNode> objects) {
        return (ObjectNode) object(objects, "StatefulSet", STATEFUL_SET).at("/spec/template/spec");
    }

    static JsonNode scoringContainer(List<ObjectNode> objects) {
        for (JsonNode container : podSpec(objects).path("containers")) {
            if (container.path("name").asText().equals(CONTAINER)) {
                return container;
            }
        }
        throw new AssertionError("no container " + CONTAINER);
    }

    private static JsonNode env(JsonNode container, String name) {
        for (JsonNode variable : container.path("env")) {
            if (variable.path("name").asText().equals(name)) {
                return variable;
            }
        }
        throw new AssertionError("no variable " + name + " in container " + container.path("name").asText());
    }

    private static JsonNode volume(JsonNode pod, String name) {
        for (JsonNode volume : pod.path("volumes")) {
            if (volume.path("name").asText().equals(name)) {
                return volume;
            }
        }
        throw new AssertionError("no volume " + name);
    }

    /** The mount that holds {@code path} in {@code container}. */
    private static JsonNode mount(JsonNode container, Path path) {
        return findMount(container, path).orElseThrow(() -> new AssertionError(path + " is on no volume of container "
                + container.path("name").asText()));
    }

    private static Optional<JsonNode> findMount(JsonNode container, Path path) {
        for (JsonNode mount : container.path("volumeMounts")) {
            if (path.startsWith(Path.of(mount.path("mountPath").asText()))) {
                return Optional.of(mount);
            }
        }
        return Optional.empty();
    }

    /** The file a setting names. */
    private static Path file(Map<String, String> env, Setting<Path> setting) {
        assertThat(env).containsKey(setting.env());
        return Path.of(env.get(setting.env()));
    }

    /** Where {@code file} is in the volume of {@code mount}. */
    private static String relative(JsonNode mount, Path file) {
        return Path.of(mount.path("mountPath").asText()).relativize(file).toString();
    }

    /** The {@code secret} of the volume that holds {@code file} in {@code container}. */
    private static JsonNode secretVolume(JsonNode pod, JsonNode container, Path file) {
        String name = mount(container, file).path("name").asText();
        JsonNode secret = volume(pod, name).path("secret");
        assertThat(secret.isObject()).as(file + " is on volume " + name + ", which is no Secret's").isTrue();
        return secret;
    }
}
