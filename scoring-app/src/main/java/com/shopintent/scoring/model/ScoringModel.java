package com.shopintent.scoring.model;

import com.shopintent.scoring.features.FeatureSchema;
import com.shopintent.scoring.features.SessionFeatures;

/**
 * A loaded model ready to score: its metadata and the compiled trees, with the mapping from the
 * schema's column order to the model's input order. Immutable and thread-safe.
 */
public final class ScoringModel {

    private final ModelMetadata metadata;
    private final TreeEnsembleScorer scorer;
    /** For each model input position, the schema column it takes. */
    private final int[] columnOfInput;

    public ScoringModel(ModelMetadata metadata, TreeEnsembleScorer scorer) {
        if (scorer.featureCount() != metadata.features().size()) {
            throw new ModelPackageException("model " + metadata.version() + " has " + scorer.featureCount()
                    + " inputs but its metadata lists " + metadata.features().size() + " features");
        }
        this.metadata = metadata;
        this.scorer = scorer;
        this.columnOfInput = new int[metadata.features().size()];
        for (int i = 0; i < columnOfInput.length; i++) {
            columnOfInput[i] = FeatureSchema.COLUMNS.indexOf(metadata.features().get(i));
            if (columnOfInput[i] < 0) {
                throw new ModelPackageException("model " + metadata.version() + " wants feature '" + metadata.features().get(i) + "', which the schema does not have");
            }
        }
    }

    public String version() {
        return metadata.version();
    }

    public ModelMetadata metadata() {
        return metadata;
    }

    /** The row exactly as it enters the trees: model order, float precision, NaN for missing. */
    public float[] modelInput(SessionFeatures features) {
        double[] columns = FeatureSchema.encode(features);
        float[] input = new float[columnOfInput.length];
        for (int i = 0; i < input.length; i++) {
            input[i] = (float) columns[columnOfInput[i]];
        }
        return input;
    }

    /** Purchase probability of a session with these features. */
    public double score(SessionFeatures features) {
        return scorer.score(modelInput(features));
    }
}
