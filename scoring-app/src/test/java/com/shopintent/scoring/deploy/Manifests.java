package com.shopintent.scoring.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The repository's deployment files ({@code k8s/}, the Dockerfile) and reading them as YAML. */
final class Manifests {

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** Helm values files: not Kubernetes objects and not in any kustomization; each checked by its own test. */
    static final String ADAPTER_VALUES = "components/hpa/prometheus-adapter-values.yaml";

    private Manifests() {
    }

    /** The repository's root: the tests run in {@code scoring-app/}, the build may run anywhere above it. */
    static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("k8s"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("no k8s/ directory above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    static Path k8s() {
        return root().resolve("k8s");
    }

    /** Every YAML file under {@code k8s/}, sorted. */
    static List<Path> yamlFiles() {
        try (Stream<Path> files = Files.walk(k8s())) {
            return files.filter(Files::isRegularFile).filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + k8s(), e);
        }
    }

    /** The YAML documents of a file, empty ones left out. */
    static List<ObjectNode> documents(Path file) {
        List<ObjectNode> documents = new ArrayList<>();
        try (var parser = YAML.getFactory().createParser(file.toFile())) {
            var values = YAML.readValues(parser, JsonNode.class);
            while (values.hasNext()) {
                JsonNode node = values.next();
                if (node == null || node.isNull() || node.isMissingNode()) {
                    continue;
                }
                if (!node.isObject()) {
                    throw new IllegalStateException(file + ": a document is not a mapping: " + node);
                }
                documents.add((ObjectNode) node);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + " as YAML", e);
        }
        return documents;
    }

    /** The one document of a file that must hold exactly one (the rule: one file per object). */
    static ObjectNode document(Path file) {
        List<ObjectNode> documents = documents(file);
        if (documents.size() != 1) {
            throw new IllegalStateException(file + " holds " + documents.size() + " YAML documents, not one");
        }
        return documents.get(0);
    }

    static String relative(Path file) {
        return k8s().relativize(file).toString().replace('\\', '/');
    }

    static boolean isKustomization(Path file) {
        return file.getFileName().toString().equals("kustomization.yaml");
    }

    static String kind(JsonNode object) {
        return object.path("kind").asText();
    }

    static String name(JsonNode object) {
        return object.path("metadata").path("name").asText();
    }
}
