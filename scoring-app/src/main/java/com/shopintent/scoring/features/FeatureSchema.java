package com.shopintent.scoring.features;

import com.shopintent.scoring.events.VisitorType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Month;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * The one encoding of {@link SessionFeatures} into numbers, shared by training, offline scoring and
 * the stream, so what was trained on is what is served.
 *
 * <ul>
 *   <li>counts, durations (seconds), rates and SpecialDay: as they are;</li>
 *   <li>Month: 1 (January) to 12 (December);</li>
 *   <li>OperatingSystems, Browser, Region, TrafficType: the integer code, NaN (missing) when the
 *       session never reported it;</li>
 *   <li>VisitorType: 0 returning, 1 new, 2 other;</li>
 *   <li>Weekend: 1 true, 0 false.</li>
 * </ul>
 */
public final class FeatureSchema {

    /** Column names in the data set's order, which is the order of {@link #encode}. */
    public static final List<String> COLUMNS = List.of(
            "Administrative", "Administrative_Duration", "Informational", "Informational_Duration",
            "ProductRelated", "ProductRelated_Duration", "BounceRates", "ExitRates", "PageValues",
            "SpecialDay", "Month", "OperatingSystems", "Browser", "Region", "TrafficType",
            "VisitorType", "Weekend");

    public static final String LABEL = "Revenue";

    /** Identifies this encoding; a model package trained under another cannot be served. */
    public static final String SCHEMA_HASH = sha256(String.join(",", COLUMNS)
            + "|month=1..12|visitorType=returning:0,new:1,other:2|weekend=0/1|codes=int,missing=NaN");

    private FeatureSchema() {
    }

    /** The 17 values in {@link #COLUMNS} order. */
    public static double[] encode(SessionFeatures f) {
        return new double[] {
            f.administrative(), f.administrativeDuration(), f.informational(), f.informationalDuration(),
            f.productRelated(), f.productRelatedDuration(), f.bounceRates(), f.exitRates(), f.pageValues(),
            f.specialDay(), f.month().getValue(), code(f.operatingSystems()), code(f.browser()),
            code(f.region()), code(f.trafficType()), f.visitorType().ordinal(), f.weekend() ? 1 : 0
        };
    }

    private static double code(Integer value) {
        return value == null ? Double.NaN : value;
    }

    /** The data set's spelling of a month: three letters, but "June" in full. */
    public static String monthName(Month month) {
        if (month == Month.JUNE) {
            return "June";
        }
        String name = month.name();
        return name.charAt(0) + name.substring(1, 3).toLowerCase(Locale.ROOT);
    }

    public static Month parseMonth(String text) {
        for (Month month : Month.values()) {
            if (monthName(month).equals(text)) {
                return month;
            }
        }
        throw new IllegalArgumentException("unknown Month '" + text + "', expected Jan, Feb, Mar, Apr, May, June, Jul, Aug, Sep, Oct, Nov or Dec");
    }

    public static VisitorType parseVisitorType(String text) {
        return VisitorType.fromDatasetName(text);
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
