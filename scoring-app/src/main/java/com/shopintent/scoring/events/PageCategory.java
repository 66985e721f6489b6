package com.shopintent.scoring.events;

import java.util.Locale;

/**
 * Category of a viewed page. The first three are the data set's page categories; {@code OTHER}
 * pages count in none of the per-category features but do count in the page-statistics means.
 */
public enum PageCategory implements WireNamed {
    ADMINISTRATIVE, INFORMATIONAL, PRODUCT_RELATED, OTHER;

    private final String wireName = name().toLowerCase(Locale.ROOT);

    @Override
    public String wireName() {
        return wireName;
    }

    /** The constant with this wire name, or null when there is none. */
    public static PageCategory fromWireName(String name) {
        return WireNamed.find(PageCategory.class, name);
    }
}
