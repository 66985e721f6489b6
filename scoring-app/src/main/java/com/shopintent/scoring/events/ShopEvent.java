package com.shopintent.scoring.events;

/**
 * One validated clickstream event of {@code shop.events}. Optional fields are null when absent.
 *
 * @param timeNanos event time as nanoseconds since the epoch (UTC); integer so durations stay exact
 * @param pageId page id, present for every {@code page_view}, optional otherwise
 * @param pageCategory category of {@code pageId}, present whenever {@code pageId} is
 */
public record ShopEvent(
        String eventId,
        EventType type,
        String shopId,
        String sessionId,
        String visitorId,
        long timeNanos,
        String pageId,
        PageCategory pageCategory,
        VisitorType visitorType,
        Integer operatingSystem,
        Integer browser,
        Integer region,
        Integer trafficType,
        Double amount) {

    /** Event time in epoch milliseconds, the resolution of Kafka record timestamps. */
    public long timeMillis() {
        return Math.floorDiv(timeNanos, 1_000_000L);
    }
}
