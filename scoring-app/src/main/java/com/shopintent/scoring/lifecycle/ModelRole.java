package com.shopintent.scoring.lifecycle;

import java.util.Locale;

/** What an announced model does: serve every prediction, or be scored beside the champion. */
public enum ModelRole {
    CHAMPION,
    CHALLENGER;

    /** The role as the control topic's record key and the {@code role} field spell it. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ModelRole fromWireName(String text) {
        for (ModelRole role : values()) {
            if (role.wireName().equals(text)) {
                return role;
            }
        }
        throw new IllegalArgumentException("unknown role '" + text + "', expected champion or challenger");
    }
}
