package com.shopintent.scoring.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Renders a kustomization as kustomize does, for the features {@code k8s/} uses: resources,
 * components, strategic-merge patches by path (with {@code $patch: delete}), namespace and images.
 * A kustomization using anything else fails the render, so that this class never silently renders
 * differently from {@code kubectl kustomize} (which {@link KubernetesOverlaysTest} compares it to
 * where kubectl is installed).
 */
final class Kustomize {

    static final Set<String> KUSTOMIZATION_FIELDS = Set.of("apiVersion", "kind", "namespace", "resources", "components",
            "patches", "images");
    static final Set<String> PATCH_FIELDS = Set.of("path");
    static final Set<String> IMAGE_FIELDS = Set.of("name", "newName", "newTag");
    /** Strategic-merge keys of the lists the patches here merge into; other lists are replaced. */
    private static final Map<String, String> MERGE_KEYS = Map.of("containers", "name", "initContainers", "name", "env", "name",
            "volumes", "name", "volumeMounts", "mountPath");

    private Kustomize() {
    }

    static List<ObjectNode> render(Path dir) {
        return render(dir, List.of());
    }

    /** {@code dir} rendered as if its kustomization also listed {@code extraComponents} last. */
    static List<ObjectNode> render(Path dir, List<Path> extraComponents) {
        ObjectNode kustomization = kustomization(dir, "Kustomization");
        List<ObjectNode> objects = new ArrayList<>();
        addResources(dir, kustomization, objects);
        List<Path> components = new ArrayList<>(paths(dir, kustomization, "components"));
        components.addAll(extraComponents);
        for (Path component : components) {
            ObjectNode definition = kustomization(component, "Component");
            addResources(component, definition, objects);
            applyTransformers(component, definition, objects);
        }
        applyTransformers(dir, kustomization, objects);
        return objects;
    }

    /** The kustomization file of {@code dir}, checked to use only what this class renders. */
    static ObjectNode kustomization(Path dir, String kind) {
        ObjectNode kustomization = Manifests.document(dir.resolve("kustomization.yaml"));
        String expectedApi = kind.equals("Component") ? "kustomize.config.k8s.io/v1alpha1" : "kustomize.config.k8s.io/v1beta1";
        require(Manifests.kind(kustomization).equals(kind) && kustomization.path("apiVersion").asText().equals(expectedApi),
                dir + ": expected a " + kind + " of " + expectedApi);
        kustomization.fieldNames().forEachRemaining(field -> require(KUSTOMIZATION_FIELDS.contains(field),
                dir + "/kustomization.yaml: field '" + field + "' is not one of " + KUSTOMIZATION_FIELDS));
        kustomization.path("patches").forEach(patch -> patch.fieldNames().forEachRemaining(field -> require(
                PATCH_FIELDS.contains(field), dir + ": patch field '" + field + "' is not one of " + PATCH_FIELDS)));
        kustomization.path("images").forEach(image -> image.fieldNames().forEachRemaining(field -> require(
                IMAGE_FIELDS.contains(field), dir + ": images field '" + field + "' is not one of " + IMAGE_FIELDS)));
        return kustomization;
    }

    /** The paths a kustomization lists under {@code field}, resolved against its directory. */
    static List<Path> paths(Path dir, JsonNode kustomization, String field) {
        List<Path> paths = new ArrayList<>();
        kustomization.path(field).forEach(entry -> paths.add(dir.resolve(field.equals("patches") ? entry.path("path").asText()
                : entry.asText()).normalize()));
        return paths;
    }

    private static void addResources(Path dir, JsonNode kustomization, List<ObjectNode> objects) {
        for (Path resource : paths(dir, kustomization, "resources")) {
            if (Files.isDirectory(resource)) {
                objects.addAll(render(resource));
            } else {
                Manifests.documents(resource).forEach(objects::add);
            }
        }
    }

    private static void applyTransformers(Path dir, JsonNode kustomization, List<ObjectNode> objects) {
        for (Path patchFile : paths(dir, kustomization, "patches")) {
            for (ObjectNode patch : Manifests.documents(patchFile)) {
                patch(objects, patch, patchFile);
            }
        }
        if (kustomization.hasNonNull("namespace")) {
            String namespace = kustomization.get("namespace").asText();
            objects.forEach(object -> ((ObjectNode) object.get("metadata")).put("namespace", namespace));
        }
        for (JsonNode image : kustomization.path("images")) {
            objects.forEach(object -> setImage(object, image));
        }
    }

    private static void patch(List<ObjectNode> objects, ObjectNode patch, Path file) {
        ObjectNode target = objects.stream().filter(o -> Manifests.kind(o).equals(Manifests.kind(patch))
                        && Manifests.name(o).equals(Manifests.name(patch))
                        && o.path("apiVersion").asText().equals(patch.path("apiVersion").asText()))
                .findFirst().orElseThrow(() -> new IllegalStateException(file + " patches " + Manifests.kind(patch) + " "
                        + Manifests.name(patch) + ", which the kustomization does not have"));
        if (patch.path("$patch").asText().equals("delete")) {
            objects.remove(target);
            return;
        }
        require(!patch.has("$patch"), file + ": only '$patch: delete' is rendered here");
        // Kustomize merges lists by key only for the built-in kinds, whose schema it knows.
        merge(target, patch, !patch.path("apiVersion").asText().contains("."), file);
    }

    private static void merge(ObjectNode target, ObjectNode patch, boolean builtIn, Path file) {
        for (Map.Entry<String, JsonNode> field : patch.properties()) {
            String name = field.getKey();
            JsonNode value = field.getValue();
            JsonNode existing = target.get(name);
            require(!name.startsWith("$"), file + ": directive " + name + " is not rendered here");
            if (value.isNull()) {
                target.remove(name);
            } else if (value.isObject() && existing != null && existing.isObject()) {
                merge((ObjectNode) existing, (ObjectNode) value, builtIn, file);
            } else if (value.isArray() && existing != null && existing.isArray() && builtIn && MERGE_KEYS.containsKey(name)) {
                mergeByKey((ArrayNode) existing, (ArrayNode) value, MERGE_KEYS.get(name), builtIn, file);
            } else {
                target.set(name, value.deepCopy());
            }
        }
    }

    /** As kustomize's strategic merge orders them: the patch's items first, then the others as they were. */
    private static void mergeByKey(ArrayNode target, ArrayNode patch, String key, boolean builtIn, Path file) {
        List<JsonNode> merged = new ArrayList<>();
        List<JsonNode> rest = new ArrayList<>();
        target.forEach(rest::add);
        for (JsonNode item : patch) {
            ObjectNode match = null;
            for (JsonNode existing : rest) {
                if (existing.path(key).equals(item.path(key))) {
                    match = (ObjectNode) existing;
                }
            }
            if (match == null) {
                merged.add(item.deepCopy());
            } else {
                merge(match, (ObjectNode) item, builtIn, file);
                rest.remove(match);
                merged.add(match);
            }
        }
        target.removeAll();
        merged.forEach(target::add);
        rest.forEach(target::add);
    }

    /** Kustomize's images transformer: a container image named {@code name} gets the new name and tag. */
    private static void setImage(JsonNode node, JsonNode image) {
        if (node.isObject()) {
            node.properties().forEach(field -> {
                if ((field.getKey().equals("containers") || field.getKey().equals("initContainers")) && field.getValue().isArray()) {
                    for (JsonNode container : field.getValue()) {
                        String current = container.path("image").asText();
                        int colon = current.lastIndexOf(':');
                        String imageName = colon < 0 ? current : current.substring(0, colon);
                        String tag = colon < 0 ? "" : current.substring(colon + 1);
                        if (imageName.equals(image.path("name").asText())) {
                            String newName = image.path("newName").asText(imageName);
                            String newTag = image.path("newTag").asText(tag);
                            ((ObjectNode) container).put("image", newTag.isEmpty() ? newName : newName + ":" + newTag);
                        }
                    }
                } else {
                    setImage(field.getValue(), image);
                }
            });
        } else if (node.isArray()) {
            node.forEach(child -> setImage(child, image));
        }
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalStateException(message);
        }
    }
}
