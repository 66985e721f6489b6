package com.shopintent.scoring.events;

/** An enum constant with the lower-case name it has in the JSON of the topics. */
interface WireNamed {

    String wireName();

    /** The constant of {@code type} with this wire name, or null when there is none. */
    static <E extends Enum<E> & WireNamed> E find(Class<E> type, String name) {
        for (E constant : type.getEnumConstants()) {
            if (constant.wireName().equals(name)) {
                return constant;
            }
        }
        return null;
    }
}
