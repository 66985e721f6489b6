package com.shopintent.scoring.cache;

/** Where a prediction's score came from; written as the prediction's {@code cache} field. */
public enum CacheOutcome {
    HIT_LOCAL("hit-local"),
    HIT_REDIS("hit-redis"),
    MISS("miss"),
    OFF("off");

    private final String wireName;

    CacheOutcome(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
