package com.shopintent.scoring.events;

import java.util.Locale;

/** The kinds of clickstream event a shop sends, with their wire names. */
public enum EventType implements WireNamed {
    PAGE_VIEW, ADD_TO_CART, PURCHASE, SESSION_END;

    private final String wireName = name().toLowerCase(Locale.ROOT);

    @Override
    public String wireName() {
        return wireName;
    }

    /** The constant with this wire name, or null when there is none. */
    public static EventType fromWireName(String name) {
        return WireNamed.find(EventType.class, name);
    }
}
