package com.shopintent.scoring.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.shopintent.scoring.events.Json;
import java.io.IOException;
import java.time.Instant;
import java.util.regex.Pattern;

/**
 * One record of the control topic {@code scoring.models} (schemas/model-announcement.schema.json):
 * which package serves in a role. The record key is the role, so compaction keeps the latest
 * announcement of each; a tombstone (null value) under {@code challenger} retires the challenger.
 *
 * @param location where the package directory is: an absolute path or {@code file:} URI on a
 *                 file system every instance mounts, or an {@code http(s):} URL of the directory
 *                 (an object store's, for instance), under which each file has its own name
 * @param sha256 sha256 of the package's metadata.json, which names the sha256 of every other file
 */
public record ModelAnnouncement(String version, String location, String sha256, ModelRole role, Instant publishedAt) {

    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final int MAX_FIELD = 2048;

    public ModelAnnouncement {
        require(version != null && !version.isBlank() && version.length() <= MAX_FIELD, "version must be 1 to " + MAX_FIELD + " characters");
        require(location != null && !location.isBlank() && location.length() <= MAX_FIELD, "location must be 1 to " + MAX_FIELD + " characters");
        require(sha256 != null && SHA256.matcher(sha256).matches(), "sha256 must be 64 lower-case hex digits");
        require(role != null, "role must be champion or challenger");
        require(publishedAt != null, "publishedAt is required");
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException("model announcement: " + message);
        }
    }

    public ModelAnnouncement as(ModelRole newRole) {
        return new ModelAnnouncement(version, location, sha256, newRole, Instant.now());
    }

    public byte[] toJson() {
        ObjectNode node = Json.MAPPER.createObjectNode()
                .put("version", version)
                .put("location", location)
                .put("sha256", sha256)
                .put("role", role.wireName())
                .put("publishedAt", publishedAt.toString());
        try {
            return Json.MAPPER.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write an announcement as JSON", e);
        }
    }

    /** Parses a record value; throws {@link IllegalArgumentException} saying what is wrong. */
    public static ModelAnnouncement parse(byte[] json) {
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("model announcement is not JSON: " + e.getMessage(), e);
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("model announcement must be a JSON object");
        }
        try {
            return new ModelAnnouncement(text(node, "version"), text(node, "location"), text(node, "sha256"),
                    ModelRole.fromWireName(text(node, "role")), Instant.parse(text(node, "publishedAt")));
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("model announcement: publishedAt is not an ISO-8601 instant", e);
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new IllegalArgumentException("model announcement: \"" + field + "\" must be a string");
        }
        return value.asText();
    }
}
