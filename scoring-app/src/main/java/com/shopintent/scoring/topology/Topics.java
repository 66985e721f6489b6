package com.shopintent.scoring.topology;

/** Names of the product's topics, declared once; docs/DESIGN.md says what each holds. */
public final class Topics {

    /** Clickstream events; key = session id, value = JSON (schemas/shop-event.schema.json). */
    public static final String EVENTS = "shop.events";
    /** Page statistics, compacted; key = {shopId}/{pageId}, value = JSON, null deletes. */
    public static final String PAGE_STATS = "shop.page-stats";
    /** One purchase-intent prediction per valid event; key = session id. */
    public static final String PREDICTIONS = "shop.predictions";
    /** One labelled example per closed session, with the features that were served. */
    public static final String TRAINING_EXAMPLES = "shop.training-examples";
    /** Per shop and 1-minute event-time window: events, sessions, intent, purchases; key = shop id. */
    public static final String INSIGHTS = "shop.insights";
    /**
     * Model announcements, compacted; key = role ({@code champion}, {@code challenger}), value =
     * JSON (schemas/model-announcement.schema.json), null retires the challenger. Read whole by
     * every instance, outside the topology.
     */
    public static final String MODELS = "scoring.models";
    /** Rejected records: original key and value bytes, the reason in headers. */
    public static final String EVENTS_DLQ = "shop.events.dlq";

    private Topics() {
    }
}
