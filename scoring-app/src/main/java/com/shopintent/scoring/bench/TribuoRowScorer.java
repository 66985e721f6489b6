package com.shopintent.scoring.bench;

import com.shopintent.scoring.model.RowScorer;
import java.util.List;
import org.tribuo.Model;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.impl.ArrayExample;

/**
 * Benchmark variant C's scorer: Tribuo's {@code Model.predict(Example)} on one record at a time,
 * as an embedded-model tutorial does (an {@code Example} per event, XGBoost's native predict
 * behind it). Same trees and inputs as the product's scorer, so the pipelines differ only here.
 */
public final class TribuoRowScorer implements RowScorer {

    private final Model<Label> model;
    private final String[] featureNames;
    private final String positiveLabel;

    /**
     * @param featureNames the model input's feature names, in input order
     * @param positiveLabel the label whose score is the purchase probability
     */
    public TribuoRowScorer(Model<Label> model, List<String> featureNames, String positiveLabel) {
        this.model = model;
        this.featureNames = featureNames.toArray(new String[0]);
        this.positiveLabel = positiveLabel;
    }

    @Override
    public double score(float[] input) {
        double[] values = new double[input.length];
        for (int i = 0; i < input.length; i++) {
            values[i] = input[i];
        }
        ArrayExample<Label> example = new ArrayExample<>(LabelFactory.UNKNOWN_LABEL, featureNames, values);
        return model.predict(example).getOutputScores().get(positiveLabel).getScore();
    }

    @Override
    public int featureCount() {
        return featureNames.length;
    }
}
