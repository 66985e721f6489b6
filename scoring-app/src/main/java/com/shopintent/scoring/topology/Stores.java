package com.shopintent.scoring.topology;

/** Names of state stores and internal topics, declared once. */
public final class Stores {

    /** Session state by session id (RocksDB, changelogged). */
    public static final String SESSIONS = "sessions";
    /** Page statistics by {shopId}/{pageId}: a global store fed by {@link Topics#PAGE_STATS}. */
    public static final String PAGE_STATS = "page-stats";
    /** Repartition of events that arrived without a key, keyed by their session id. */
    public static final String EVENTS_BY_SESSION = "events-by-session";

    /** Per-shop aggregates of the open insight windows. */
    public static final String INSIGHTS = "shop-insights";
    /** Repartition of predictions by shop id, for the insights. */
    public static final String PREDICTIONS_BY_SHOP = "predictions-by-shop";
    /** Holds each insight window until it closes, so one final record per window is written. */
    public static final String INSIGHTS_SUPPRESSION = "insights-until-window-closes";

    private Stores() {
    }
}
