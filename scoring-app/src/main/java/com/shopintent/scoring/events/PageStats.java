package com.shopintent.scoring.events;

/**
 * Statistics of one shop page, the value of {@code shop.page-stats} (key {@code {shopId}/{pageId}}).
 * Rates are 0..1, the page value is at least 0.
 */
public record PageStats(double bounceRate, double exitRate, double pageValue) {

    public static String key(String shopId, String pageId) {
        return shopId + "/" + pageId;
    }
}
