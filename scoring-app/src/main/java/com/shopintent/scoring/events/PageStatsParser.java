package com.shopintent.scoring.events;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;

/** Reads and writes the JSON value of {@code shop.page-stats}, checking every range. */
public final class PageStatsParser {

    private PageStatsParser() {
    }

    /** The stats in this value; throws {@link IllegalArgumentException} naming the broken field. */
    public static PageStats parse(byte[] value) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(value);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("page stats value is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new IllegalArgumentException("page stats value could not be read", e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("page stats value must be a JSON object");
        }
        return new PageStats(number(root, "bounceRate", 1.0), number(root, "exitRate", 1.0),
                number(root, "pageValue", Double.POSITIVE_INFINITY));
    }

    public static byte[] write(PageStats stats) {
        try {
            return Json.MAPPER.writeValueAsBytes(stats);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write page stats " + stats, e);
        }
    }

    private static double number(JsonNode root, String field, double max) {
        JsonNode node = root.get(field);
        if (node == null || !node.isNumber()) {
            throw new IllegalArgumentException("page stats field '" + field + "' is required and must be a number");
        }
        double value = node.doubleValue();
        if (!Double.isFinite(value) || value < 0 || value > max) {
            throw new IllegalArgumentException("page stats field '" + field + "' is " + node + ", allowed is 0.." + (max == 1.0 ? "1" : "any finite number"));
        }
        return value;
    }
}
