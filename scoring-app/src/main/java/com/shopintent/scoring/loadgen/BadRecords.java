package com.shopintent.scoring.loadgen;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Random;

/** Malformed events from the bad-input catalogue, for {@code --bad-fraction}: each must be dead-lettered. */
final class BadRecords {

    private static final List<String> TEMPLATES = List.of(
            "{\"eventId\":",
            "[\"page_view\"]",
            "{\"type\":\"page_view\",\"shopId\":\"%1$s\",\"sessionId\":\"%2$s\",\"visitorId\":\"v\",\"timestamp\":\"%3$s\"}",
            "{\"eventId\":\"%2$s-x\",\"type\":\"hover\",\"shopId\":\"%1$s\",\"sessionId\":\"%2$s\",\"visitorId\":\"v\",\"timestamp\":\"%3$s\"}",
            "{\"eventId\":\"%2$s-x\",\"type\":\"page_view\",\"shopId\":\"%1$s\",\"sessionId\":\"%2$s\",\"visitorId\":\"v\",\"timestamp\":\"yesterday\",\"page\":{\"id\":\"p\",\"category\":\"product_related\"}}",
            "{\"eventId\":\"%2$s-x\",\"type\":\"purchase\",\"shopId\":\"%1$s\",\"sessionId\":\"%2$s\",\"visitorId\":\"v\",\"timestamp\":\"%3$s\",\"amount\":-1}",
            "{\"eventId\":\"%2$s-x\",\"type\":\"page_view\",\"shopId\":\"%1$s\",\"sessionId\":\"%2$s\",\"visitorId\":\"v\",\"timestamp\":\"%3$s\",\"page\":{\"id\":\"p\",\"category\":\"checkout\"}}");

    private BadRecords() {
    }

    static byte[] draw(Random random, String shopId, String sessionId, Instant time) {
        String template = TEMPLATES.get(random.nextInt(TEMPLATES.size()));
        return String.format(template, shopId, sessionId, time).getBytes(StandardCharsets.UTF_8);
    }
}
