package com.shopintent.scoring.topology;

import java.time.Instant;

/** Event JSON for topology tests. */
final class Events {

    private Events() {
    }

    static String pageView(String eventId, String session, Instant time, String pageId, String category) {
        return """
                {"eventId":"%s","type":"page_view","shopId":"shop-1","sessionId":"%s","visitorId":"v-%s",
                 "timestamp":"%s","page":{"id":"%s","category":"%s"},"os":1,"browser":2,"region":3,"trafficType":4}"""
                .formatted(eventId, session, session, time, pageId, category);
    }

    static String pageView(String eventId, String session, Instant time) {
        return pageView(eventId, session, time, "p-1", "product_related");
    }

    static String of(String type, String eventId, String session, Instant time) {
        return """
                {"eventId":"%s","type":"%s","shopId":"shop-1","sessionId":"%s","visitorId":"v-%s","timestamp":"%s"}"""
                .formatted(eventId, type, session, session, time);
    }
}
