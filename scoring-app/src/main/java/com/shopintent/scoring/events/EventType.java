package com.shopintent.scoring.events;

import java.util.Locale;

/** The kinds of clickstream event a shop sends, with their wire names. */
public enum EventType {
    PAGE_VIEW, ADD_TO_CART, PURCHASE, SESSION_END;

    private final String wireName = name().toLowerCase(Locale.ROOT);

    public String wireName() {
        return wireName;
    }

    /** The type with this wire name, or null when there is none. */
    public static EventType fromWireName(String name) {
        for (EventType type : values()) {
            if (type.wireName.equals(name)) {
                return type;
            }
        }
        return null;
    }
}
