package com.shopintent.scoring.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.shopintent.scoring.config.ScoringConfig;
import com.shopintent.scoring.config.Setting;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every file under {@code k8s/} on its own: it parses into its object model with no unknown field,
 * it is listed by a kustomization that lists only files that exist, and its objects carry the
 * recommended labels, run locked down and hold no secret value.
 */
class KubernetesManifestsTest {

    static final List<String> LABELS = List.of("app.kubernetes.io/name", "app.kubernetes.io/instance",
            "app.kubernetes.io/component", "app.kubernetes.io/part-of", "app.kubernetes.io/version",
            "app.kubernetes.io/managed-by");
    private static final Pattern SECRET_NAME = Pattern.compile(".*(PASSWORD|JAAS|SECRET|TOKEN|CREDENTIAL|AUTH).*");

    /** Object files (not kustomizations, not patches, not Helm values) and their one object each. */
    private static List<ObjectNode> objects() {
        return Manifests.yamlFiles().stream().filter(KubernetesManifestsTest::isObjectFile).map(Manifests::document).toList();
    }

    private static boolean isObjectFile(Path file) {
        return !Manifests.isKustomization(file) && !file.getFileName().toString().endsWith("-patch.yaml")
                && !Manifests.relative(file).equals(Manifests.ADAPTER_VALUES);
    }

    @Test
    void shouldReadEveryObjectAndPatchIntoItsModelWithNoUnknownField() {
        List<String> problems = new ArrayList<>();
        for (Path file : Manifests.yamlFiles()) {
            if (Manifests.isKustomization(file) || Manifests.relative(file).equals(Manifests.ADAPTER_VALUES)) {
                continue;
            }
            for (ObjectNode object : Manifests.documents(file)) {
                problems.addAll(modelProblems(object).stream().map(p -> Manifests.relative(file) + ": " + p).toList());
            }
        }
        assertThat(problems).isEmpty();
    }

    static List<String> modelProblems(ObjectNode object) {
        String key = TypedModel.key(object);
        if (object.has("$patch")) {
            List<String> problems = new ArrayList<>();
            object.fieldNames().forEachRemaining(field -> {
                if (!Set.of("apiVersion", "kind", "metadata", "$patch").contains(field)) {
                    problems.add("a delete patch has field " + field);
                }
            });
            if (!object.get("$patch").asText().equals("delete")) {
                problems.add("$patch is not delete");
            }
            return problems;
        }
        if (TypedModel.KINDS.containsKey(key)) {
            return TypedModel.problems(object, TypedModel.KINDS.get(key));
        }
        if (CustomResources.KINDS.containsKey(key)) {
            List<String> problems = new ArrayList<>();
            CustomResources.KINDS.get(key).check(object, "", problems);
            return problems;
        }
        return List.of(key + " is not a kind these tests know (TypedModel.KINDS, CustomResources.KINDS)");
    }

    @Test
    void shouldFindMisspeltAndMisplacedFields() {
        ObjectNode statefulSet = Manifests.document(Manifests.k8s().resolve("base/scoring-statefulset.yaml"));
        ObjectNode container = (ObjectNode) statefulSet.at("/spec/template/spec/containers/0");
        container.set("readinesProbe", container.get("readinessProbe"));
        ((ObjectNode) statefulSet.at("/spec/template/spec")).set("livenessProbe", container.get("livenessProbe"));
        assertThat(modelProblems(statefulSet)).anyMatch(p -> p.contains("readinesProbe")).anyMatch(p -> p.contains("spec.template.spec.livenessProbe"));

        ObjectNode scaledObject = Manifests.document(Manifests.k8s().resolve("base/scoring-scaledobject.yaml"));
        ObjectNode metadata = (ObjectNode) scaledObject.at("/spec/triggers/0/metadata");
        metadata.put("lagTreshold", "10");
        metadata.put("allowIdleConsumers", false);
        assertThat(modelProblems(scaledObject)).anyMatch(p -> p.contains("lagTreshold")).anyMatch(p -> p.contains("allowIdleConsumers is not a string"));
    }

    @Test
    void shouldHoldOneObjectPerFileNamedAfterItsKind() {
        for (Path file : Manifests.yamlFiles()) {
            if (!isObjectFile(file)) {
                continue;
            }
            ObjectNode object = Manifests.document(file);
            assertThat(file.getFileName().toString()).as(Manifests.relative(file))
                    .endsWith("-" + Manifests.kind(object).toLowerCase(Locale.ROOT) + ".yaml");
        }
    }

    @Test
    void shouldListOnlyFilesThatExistInEveryKustomization() {
        for (Path file : Manifests.yamlFiles()) {
            if (!Manifests.isKustomization(file)) {
                continue;
            }
            Path dir = file.getParent();
            String kind = Manifests.kind(Manifests.document(file));
            ObjectNode kustomization = Kustomize.kustomization(dir, kind);
            for (Path resource : Kustomize.paths(dir, kustomization, "resources")) {
                assertThat(Files.isRegularFile(resource) || Files.isRegularFile(resource.resolve("kustomization.yaml")))
                        .as(Manifests.relative(file) + " lists " + resource).isTrue();
            }
            for (Path component : Kustomize.paths(dir, kustomization, "components")) {
                assertThat(Manifests.kind(Manifests.document(component.resolve("kustomization.yaml"))))
                        .as(Manifests.relative(file) + " lists component " + component).isEqualTo("Component");
            }
            for (Path patch : Kustomize.paths(dir, kustomization, "patches")) {
                assertThat(patch).as(Manifests.relative(file) + " lists patch").isRegularFile();
            }
        }
    }

    @Test
    void shouldUseEveryFileInSomeKustomization() {
        Set<Path> used = new HashSet<>();
        used.add(Manifests.k8s().resolve(Manifests.ADAPTER_VALUES));
        for (Path file : Manifests.yamlFiles()) {
            if (Manifests.isKustomization(file)) {
                used.add(file);
                ObjectNode kustomization = Manifests.document(file);
                used.addAll(Kustomize.paths(file.getParent(), kustomization, "resources"));
                used.addAll(Kustomize.paths(file.getParent(), kustomization, "patches"));
            }
        }
        assertThat(Manifests.yamlFiles()).allMatch(used::contains, "listed by a kustomization");
    }

    @Test
    void shouldLabelEveryObjectAndPodWithTheRecommendedLabels() {
        for (ObjectNode object : objects()) {
            String what = Manifests.kind(object) + " " + Manifests.name(object);
            assertThat(labels(object.path("metadata"))).as(what).containsAll(LABELS);
            JsonNode template = object.at("/spec/template");
            if (!template.isMissingNode()) {
                assertThat(labels(template.path("metadata"))).as(what + " pods").containsAll(LABELS);
                object.at("/spec/selector/matchLabels").properties().forEach(label -> assertThat(
                        template.at("/metadata/labels/" + label.getKey().replace("/", "~1")).asText()).as(what + " selector")
                        .isEqualTo(label.getValue().asText()));
                assertThat(object.at("/spec/selector/matchLabels").has("app.kubernetes.io/version"))
                        .as(what + ": a selector cannot change, a version does").isFalse();
            }
            for (JsonNode claim : object.at("/spec/volumeClaimTemplates")) {
                assertThat(labels(claim.path("metadata"))).as(what + " volume claims: cannot change on an existing StatefulSet")
                        .doesNotContain("app.kubernetes.io/version");
            }
        }
    }

    private static List<String> labels(JsonNode metadata) {
        List<String> labels = new ArrayList<>();
        metadata.path("labels").fieldNames().forEachRemaining(labels::add);
        return labels;
    }

    @Test
    void shouldRunEveryContainerAsNonRootOnAReadOnlyRootWithNoCapabilities() {
        List<ObjectNode> workloads = objects().stream().filter(o -> !o.at("/spec/template/spec").isMissingNode()).toList();
        assertThat(workloads).isNotEmpty();
        for (ObjectNode workload : workloads) {
            JsonNode pod = workload.at("/spec/template/spec");
            String what = Manifests.kind(workload) + " " + Manifests.name(workload);
            assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).as(what).isTrue();
            assertThat(pod.at("/securityContext/runAsUser").asInt()).as(what).isPositive();
            assertThat(pod.at("/securityContext/seccompProfile/type").asText()).as(what).isEqualTo("RuntimeDefault");
            assertThat(pod.path("automountServiceAccountToken").asBoolean(true)).as(what + " needs no API token").isFalse();
            for (JsonNode container : containers(pod)) {
                String which = what + " container " + container.path("name").asText();
                JsonNode security = container.path("securityContext");
                assertThat(security.path("readOnlyRootFilesystem").asBoolean()).as(which).isTrue();
                assertThat(security.path("allowPrivilegeEscalation").asBoolean(true)).as(which).isFalse();
                assertThat(security.path("runAsNonRoot").asBoolean()).as(which).isTrue();
                assertThat(security.at("/capabilities/drop").toString()).as(which).contains("\"ALL\"");
                assertThat(container.at("/resources/requests/memory").asText()).as(which).isNotEmpty();
                assertThat(container.at("/resources/requests/cpu").asText()).as(which).isNotEmpty();
                assertThat(container.at("/resources/limits/memory").asText()).as(which).isNotEmpty();
            }
        }
    }

    static List<JsonNode> containers(JsonNode podSpec) {
        List<JsonNode> containers = new ArrayList<>();
        podSpec.path("initContainers").forEach(containers::add);
        podSpec.path("containers").forEach(containers::add);
        return containers;
    }

    /**
     * Settings of the application that name a file holding a secret (SCORING_KAFKA_SASL_PASSWORD_FILE):
     * their names look secret, their values are paths.
     */
    private static Set<String> secretFileSettings() {
        Set<String> settings = new HashSet<>();
        ScoringConfig.SETTINGS.stream().filter(s -> !s.secret() && s.env().endsWith("_FILE") && SECRET_NAME.matcher(s.env()).matches())
                .map(Setting::env).forEach(settings::add);
        return settings;
    }

    @Test
    void shouldHoldNoSecretValueOnlyReferencesToSecrets() {
        Set<String> secretSettings = new HashSet<>();
        ScoringConfig.SETTINGS.stream().filter(Setting::secret).map(Setting::env).forEach(secretSettings::add);
        Set<String> fileSettings = secretFileSettings();
        assertThat(fileSettings).contains(ScoringConfig.KAFKA_SASL_PASSWORD_FILE.env());
        for (Path file : Manifests.yamlFiles()) {
            for (ObjectNode object : Manifests.documents(file)) {
                assertThat(Manifests.kind(object)).as(Manifests.relative(file)).isNotEqualTo("Secret");
                for (JsonNode container : containers(object.at("/spec/template/spec"))) {
                    for (JsonNode env : container.path("env")) {
                        String name = env.path("name").asText();
                        if (fileSettings.contains(name)) {
                            assertThat(Path.of(env.path("value").asText()).isAbsolute()).as(Manifests.relative(file) + " " + name + ": a path")
                                    .isTrue();
                        } else if (SECRET_NAME.matcher(name).matches() || secretSettings.contains(name)) {
                            assertThat(env.has("value")).as(Manifests.relative(file) + " " + name).isFalse();
                            assertThat(env.at("/valueFrom/secretKeyRef/name").asText()).as(Manifests.relative(file) + " " + name)
                                    .isNotEmpty();
                        }
                    }
                }
                if (Manifests.kind(object).equals("ConfigMap")) {
                    object.path("data").properties().forEach(entry -> {
                        String what = Manifests.relative(file) + " " + entry.getKey();
                        if (fileSettings.contains(entry.getKey())) {
                            assertThat(Path.of(entry.getValue().asText()).isAbsolute()).as(what + ": a path").isTrue();
                        } else {
                            assertThat(SECRET_NAME.matcher(entry.getKey().toUpperCase(Locale.ROOT)).matches()
                                    || secretSettings.contains(entry.getKey())).as(what).isFalse();
                        }
                    });
                }
            }
        }
    }

    /** The KafkaUsers of strimzi/: Strimzi's User Operator writes a Secret of each user's name with its credentials. */
    static Set<String> kafkaUsers() {
        Set<String> users = new HashSet<>();
        try (Stream<Path> files = Files.list(Manifests.root().resolve("strimzi"))) {
            files.filter(f -> f.getFileName().toString().endsWith("-kafkauser.yaml"))
                    .forEach(f -> users.add(Manifests.name(Manifests.document(f))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return users;
    }

    /**
     * Kafka credentials reach the containers as files of a mounted Secret only: environment
     * variables show in process listings, crash dumps and {@code kubectl describe}.
     */
    @Test
    void shouldPassNoKafkaCredentialThroughTheEnvironment() {
        Set<String> users = kafkaUsers();
        assertThat(users).contains("shop-intent-scoring");
        Set<String> credentialVariables = Set.of(ScoringConfig.KAFKA_SASL_PASSWORD.env(), "SCORING_KAFKA_SASL_JAAS_CONFIG");
        for (Path file : Manifests.yamlFiles()) {
            for (ObjectNode object : Manifests.documents(file)) {
                for (JsonNode container : containers(object.at("/spec/template/spec"))) {
                    String which = Manifests.relative(file) + " container " + container.path("name").asText();
                    for (JsonNode env : container.path("env")) {
                        String name = env.path("name").asText();
                        JsonNode ref = env.at("/valueFrom/secretKeyRef");
                        assertThat(name).as(which).isNotIn(credentialVariables);
                        assertThat(ref.path("name").asText()).as(which + " " + name + ": a KafkaUser's Secret").isNotIn(users);
                        // The JAAS line of any Secret; a key password may be another's (redis-cli reads only REDISCLI_AUTH).
                        assertThat(ref.path("key").asText()).as(which + " " + name).isNotEqualTo("sasl.jaas.config");
                    }
                    for (JsonNode source : container.path("envFrom")) {
                        assertThat(source.at("/secretRef/name").asText()).as(which + " envFrom").isNotIn(users);
                    }
                }
            }
        }
    }
}
