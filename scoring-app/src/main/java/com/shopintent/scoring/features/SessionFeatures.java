package com.shopintent.scoring.features;

import com.shopintent.scoring.events.VisitorType;
import java.time.Month;

/**
 * The 17 features of one session, the columns of the data set, typed. Codes the session never
 * reported ({@code operatingSystems} and the rest) are null and reach the model as missing values.
 */
public record SessionFeatures(
        int administrative,
        double administrativeDuration,
        int informational,
        double informationalDuration,
        int productRelated,
        double productRelatedDuration,
        double bounceRates,
        double exitRates,
        double pageValues,
        double specialDay,
        Month month,
        Integer operatingSystems,
        Integer browser,
        Integer region,
        Integer trafficType,
        VisitorType visitorType,
        boolean weekend) {
}
