package com.shopintent.scoring.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a custom resource may hold, field by field, for kinds that have no Java model here (KEDA's
 * and the Prometheus Operator's): an unknown field or a value of the wrong type is a problem, as
 * the CRD's schema would make it at apply time, or silently ignore it.
 */
sealed interface Shape {

    /** Adds to {@code problems} what is wrong with {@code node} at {@code path}. */
    void check(JsonNode node, String path, List<String> problems);

    static Shape fields(Map<String, Shape> fields) {
        return new Fields(fields);
    }

    static Shape listOf(Shape item) {
        return new ListOf(item);
    }

    static Shape mapOf(Shape value) {
        return new MapOf(value);
    }

    /** A map whose keys are from {@code keys} and whose values are strings (KEDA trigger metadata). */
    static Shape stringMap(Set<String> keys) {
        return new StringMap(keys);
    }

    /** A value read into one of fabric8's classes (a LabelSelector, an HPA behaviour). */
    static Shape typed(Class<?> type) {
        return new Typed(type);
    }

    Shape STRING = new Scalar("a string", JsonNode::isTextual);
    Shape INTEGER = new Scalar("an integer", JsonNode::isIntegralNumber);
    Shape BOOLEAN = new Scalar("a boolean", JsonNode::isBoolean);
    /** Free-form (Prometheus relabelling rules): not checked here. */
    Shape ANY = new Scalar("anything", node -> true);

    record Fields(Map<String, Shape> fields) implements Shape {
        @Override
        public void check(JsonNode node, String path, List<String> problems) {
            if (!node.isObject()) {
                problems.add(path + " is not a mapping");
                return;
            }
            for (Map.Entry<String, JsonNode> entry : node.properties()) {
                Shape shape = fields.get(entry.getKey());
                if (shape == null) {
                    problems.add("unknown field " + path + "." + entry.getKey() + " (allowed: " + fields.keySet() + ")");
                } else {
                    shape.check(entry.getValue(), path + "." + entry.getKey(), problems);
                }
            }
        }
    }

    record ListOf(Shape item) implements Shape {
        @Override
        public void check(JsonNode node, String path, List<String> problems) {
            if (!node.isArray()) {
                problems.add(path + " is not a list");
                return;
            }
            for (int i = 0; i < node.size(); i++) {
                item.check(node.get(i), path + "[" + i + "]", problems);
            }
        }
    }

    record MapOf(Shape value) implements Shape {
        @Override
        public void check(JsonNode node, String path, List<String> problems) {
            if (!node.isObject()) {
                problems.add(path + " is not a mapping");
                return;
            }
            node.properties().forEach(entry -> value.check(entry.getValue(), path + "." + entry.getKey(), problems));
        }
    }

    record StringMap(Set<String> keys) implements Shape {
        @Override
        public void check(JsonNode node, String path, List<String> problems) {
            if (!node.isObject()) {
                problems.add(path + " is not a mapping");
                return;
            }
            node.properties().forEach(entry -> {
                if (!keys.contains(entry.getKey())) {
                    problems.add("unknown key " + path + "." + entry.getKey() + " (allowed: " + keys + ")");
                } else if (!entry.getValue().isTextual()) {
                    problems.add(path + "." + entry.getKey() + " is not a string (write it quoted)");
                }
            });
        }
    }

    record Typed(Class<?> type) implements Shape {
        @Override
        public void check(JsonNode node, String path, List<String> problems) {
            TypedModel.problems(node, type).forEach(problem -> problems.add(path + ": " + problem));
        }
    }

    record Scalar(String description, java.util.function.Predicate<JsonNode> accepts) implements Shape {
        @Override
        public void check(JsonNode node, String path, List<String> problems) {
            if (!accepts.test(node)) {
                problems.add(path + " is not " + description + ": " + node);
            }
        }
    }
}
