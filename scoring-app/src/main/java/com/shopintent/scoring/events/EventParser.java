package com.shopintent.scoring.events;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.regex.Pattern;

/**
 * Turns the key and value bytes of one {@code shop.events} record into a {@link ShopEvent} or a
 * {@link Rejection} that names the first check it failed. Never throws on any input.
 *
 * <p>Unknown fields are ignored so producers can add fields before consumers know them.
 */
public final class EventParser {

    /** Identifiers longer than this (in characters) are rejected: they are bugs, not ids. */
    static final int MAX_ID_LENGTH = 256;
    private static final Pattern TIMESTAMP = Pattern.compile(
            "[0-9]{4}-[0-9]{2}-[0-9]{2}T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]{1,9})?Z");

    private final int maxValueBytes;

    public EventParser(int maxValueBytes) {
        this.maxValueBytes = maxValueBytes;
    }

    public ParseResult parse(byte[] key, byte[] value) {
        if (value == null) {
            return invalid(RejectReason.NULL_VALUE, "record value is null (a tombstone is not an event)");
        }
        if (value.length == 0) {
            return invalid(RejectReason.EMPTY_VALUE, "record value is empty");
        }
        if (value.length > maxValueBytes) {
            return invalid(RejectReason.TOO_LARGE, "record value has " + value.length + " bytes, the limit is " + maxValueBytes);
        }
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(value);
        } catch (JacksonException e) {
            return invalid(RejectReason.MALFORMED_JSON, "value is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            return invalid(RejectReason.MALFORMED_JSON, "value could not be read: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            return invalid(RejectReason.NOT_AN_OBJECT, "value must be a JSON object, got " + (root == null ? "nothing" : root.getNodeType().name().toLowerCase(java.util.Locale.ROOT)));
        }
        try {
            return new ParseResult.Valid(toEvent(key, root));
        } catch (Reject r) {
            return new ParseResult.Invalid(r.rejection);
        }
    }

    private static ShopEvent toEvent(byte[] key, JsonNode root) throws Reject {
        String eventId = requiredString(root, "eventId");
        String typeName = requiredString(root, "type");
        EventType type = EventType.fromWireName(typeName);
        if (type == null) {
            throw reject(RejectReason.UNKNOWN_TYPE, "type '" + typeName + "' is not one of page_view, add_to_cart, purchase, session_end");
        }
        String shopId = requiredString(root, "shopId");
        String sessionId = requiredString(root, "sessionId");
        String visitorId = requiredString(root, "visitorId");
        if (key != null && !sessionId.equals(new String(key, StandardCharsets.UTF_8))) {
            throw reject(RejectReason.KEY_MISMATCH, "sessionId '" + sessionId + "' differs from the record key");
        }
        long timeNanos = timestamp(requiredString(root, "timestamp"));

        String pageId = null;
        PageCategory category = null;
        JsonNode page = root.get("page");
        if (page == null || page.isNull()) {
            if (type == EventType.PAGE_VIEW) {
                throw reject(RejectReason.MISSING_FIELD, "field 'page' is required for page_view");
            }
        } else {
            if (!page.isObject()) {
                throw reject(RejectReason.INVALID_FIELD, "field 'page' must be an object with 'id' and 'category'");
            }
            pageId = requiredString(page, "id", "page.id");
            String categoryName = requiredString(page, "category", "page.category");
            category = PageCategory.fromWireName(categoryName);
            if (category == null) {
                throw reject(RejectReason.UNKNOWN_CATEGORY, "page.category '" + categoryName + "' is not one of administrative, informational, product_related, other");
            }
        }

        VisitorType visitorType = null;
        String visitorTypeName = optionalString(root, "visitorType");
        if (visitorTypeName != null) {
            visitorType = VisitorType.fromWireName(visitorTypeName);
            if (visitorType == null) {
                throw reject(RejectReason.INVALID_FIELD, "visitorType '" + visitorTypeName + "' is not one of returning, new, other");
            }
        }
        return new ShopEvent(eventId, type, shopId, sessionId, visitorId, timeNanos, pageId, category, visitorType,
                optionalCode(root, "os"), optionalCode(root, "browser"), optionalCode(root, "region"),
                optionalCode(root, "trafficType"), optionalAmount(root));
    }

    static long timestamp(String text) throws Reject {
        // The schema's pattern, checked first: it allows only a UTC instant (no lowercase 't', no
        // offset, no "24:00:00", no bare '.'), so what is left to check is the date itself. The
        // fields are then read at their fixed places: Instant.parse took a third of the parse.
        if (!TIMESTAMP.matcher(text).matches()) {
            throw badTimestamp(text);
        }
        try {
            LocalDate date = LocalDate.of(digits(text, 0, 4), digits(text, 5, 7), digits(text, 8, 10));
            long seconds = date.toEpochDay() * 86_400L + digits(text, 11, 13) * 3_600L + digits(text, 14, 16) * 60L + digits(text, 17, 19);
            int fractionDigits = text.length() - 21;
            long nanos = fractionDigits > 0 ? digits(text, 20, 20 + fractionDigits) * POWERS_OF_TEN[9 - fractionDigits] : 0;
            // Kafka record timestamps cannot be negative, and no shop sends events from before 1970.
            if (seconds < 0) {
                throw badTimestamp(text);
            }
            return Math.addExact(Math.multiplyExact(seconds, 1_000_000_000L), nanos);
        } catch (DateTimeException | ArithmeticException e) {
            throw badTimestamp(text);
        }
    }

    private static final long[] POWERS_OF_TEN = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000};

    /** The decimal number in {@code text[from, to)}, which the pattern has checked to be digits. */
    private static int digits(String text, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            value = value * 10 + (text.charAt(i) - '0');
        }
        return value;
    }

    private static Reject badTimestamp(String text) {
        return reject(RejectReason.BAD_TIMESTAMP, "timestamp '" + abbreviate(text) + "' is not an ISO-8601 UTC instant such as 2026-11-29T13:05:00.123456Z");
    }

    private static String requiredString(JsonNode node, String field) throws Reject {
        return requiredString(node, field, field);
    }

    private static String requiredString(JsonNode node, String field, String path) throws Reject {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw reject(RejectReason.MISSING_FIELD, "field '" + path + "' is required");
        }
        return checkedString(value, path);
    }

    private static String optionalString(JsonNode node, String field) throws Reject {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : checkedString(value, field);
    }

    private static String checkedString(JsonNode value, String path) throws Reject {
        if (!value.isTextual()) {
            throw reject(RejectReason.INVALID_FIELD, "field '" + path + "' must be a string, got " + value.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
        }
        String text = value.textValue();
        if (text.isBlank()) {
            throw reject(RejectReason.INVALID_FIELD, "field '" + path + "' must not be blank");
        }
        if (text.codePointCount(0, text.length()) > MAX_ID_LENGTH) {
            throw reject(RejectReason.INVALID_FIELD, "field '" + path + "' is longer than " + MAX_ID_LENGTH + " characters");
        }
        return text;
    }

    private static Integer optionalCode(JsonNode node, String field) throws Reject {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        // 3.0 is the integer 3 in JSON (and in JSON Schema); 3.5 is not.
        if (!value.isNumber() || !value.canConvertToExactIntegral() || !value.canConvertToInt() || value.intValue() < 0) {
            throw reject(RejectReason.INVALID_FIELD, "field '" + field + "' must be a non-negative integer");
        }
        return value.intValue();
    }

    private static Double optionalAmount(JsonNode node) throws Reject {
        JsonNode value = node.get("amount");
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isNumber()) {
            throw reject(RejectReason.INVALID_FIELD, "field 'amount' must be a number");
        }
        double amount = value.doubleValue();
        if (!Double.isFinite(amount) || amount < 0) {
            throw reject(RejectReason.INVALID_FIELD, "field 'amount' must be a finite number >= 0");
        }
        return amount;
    }

    private static String abbreviate(String text) {
        return text.length() <= 64 ? text : text.substring(0, 64) + "...";
    }

    private static ParseResult invalid(RejectReason reason, String detail) {
        return new ParseResult.Invalid(new Rejection(reason, detail));
    }

    private static Reject reject(RejectReason reason, String detail) {
        return new Reject(new Rejection(reason, detail));
    }

    /** Control flow out of nested checks; no stack trace, it is not an error of this program. */
    private static final class Reject extends Exception {
        private final transient Rejection rejection;

        Reject(Rejection rejection) {
            super(rejection.detail(), null, false, false);
            this.rejection = rejection;
        }
    }
}
