package com.shopintent.scoring.events;

import java.util.Locale;

/** Visitor type, on the wire ({@code returning}) and in the data set ({@code Returning_Visitor}). */
public enum VisitorType implements WireNamed {
    RETURNING("Returning_Visitor"), NEW("New_Visitor"), OTHER("Other");

    private final String wireName = name().toLowerCase(Locale.ROOT);
    private final String datasetName;

    VisitorType(String datasetName) {
        this.datasetName = datasetName;
    }

    @Override
    public String wireName() {
        return wireName;
    }

    public String datasetName() {
        return datasetName;
    }

    /** The constant with this wire name, or null when there is none. */
    public static VisitorType fromWireName(String name) {
        return WireNamed.find(VisitorType.class, name);
    }

    /** The type with this data set name; throws for any other text. */
    public static VisitorType fromDatasetName(String name) {
        for (VisitorType type : values()) {
            if (type.datasetName.equals(name)) {
                return type;
            }
        }
        throw new IllegalArgumentException("unknown VisitorType '" + name + "', expected one of Returning_Visitor, New_Visitor, Other");
    }
}
