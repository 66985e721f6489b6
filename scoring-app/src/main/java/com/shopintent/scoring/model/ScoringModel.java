package com.shopintent.scoring.model;

import com.shopintent.scoring.features.FeatureSchema;
import com.shopintent.scoring.features.SessionFeatures;

/**
 * A loaded model ready to score: its metadata and the compiled trees, with the mapping from the
 * schema's column order to the model's input order. Immutable and thread-safe.
 */
public final class ScoringModel {

    private final ModelMetadata metadata;
    private final RowScorer scorer;
    /** For each model input position, the schema column it takes. */
    private final int[] columnOfInput;

    public ScoringModel(ModelMetadata metadata, RowScorer scorer) {
        if (scorer.featureCount() != metadata.features().size()) {
            throw new ModelPackageException(ModelPackageException.Reason.INVALID_MODEL, "model " + metadata.version() + " has " + scorer.featureCount()
                    + " inputs but its metadata lists " + metadata.features().size() + " features");
        }
        this.metadata = metadata;
        this.scorer = scorer;
        this.columnOfInput = new int[metadata.features().size()];
        for (int i = 0; i < columnOfInput.length; i++) {
            columnOfInput[i] = FeatureSchema.COLUMNS.indexOf(metadata.features().get(i));
            if (columnOfInput[i] < 0) {
                throw new ModelPackageException(ModelPackageException.Reason.FEATURE_SCHEMA, "model " + metadata.version() + " wants feature '" + metadata.features().get(i) + "', which the schema does not have");
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

    /** Enough calls for the JIT to compile the tree walk (about 20 ms). */
    public static final int WARM_UP_ROWS = 20_000;

    /**
     * Scores synthetic rows until the JIT has compiled the tree walk, so the first real event is
     * not scored by the interpreter. Rows are drawn from a fixed seed over the ranges of the data
     * set, so every tree is walked down many paths.
     */
    public void warmUp(int rows) {
        java.util.Random random = new java.util.Random(17);
        float[] input = new float[columnOfInput.length];
        double sink = 0;
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < input.length; i++) {
                input[i] = random.nextInt(4) == 0 ? 0f : (float) (random.nextDouble() * WARM_UP_SCALE[columnOfInput[i]]);
            }
            sink += scorer.score(input);
        }
        if (Double.isNaN(sink)) {
            throw new ModelPackageException(ModelPackageException.Reason.GOLDEN_SET, "model " + version() + " scored NaN while warming up");
        }
    }

    /** Rough upper end of each schema column in the data set, for {@link #warmUp}. */
    private static final double[] WARM_UP_SCALE = {27, 3400, 24, 2600, 700, 64000, 0.2, 0.2, 360, 1, 12, 8, 13, 9, 20, 2, 1};

    /** Purchase probability of a session with these features. */
    public double score(SessionFeatures features) {
        return scoreInput(modelInput(features));
    }

    /** Purchase probability of a row already in model form ({@link #modelInput}). */
    public double scoreInput(float[] input) {
        return scorer.score(input);
    }
}
