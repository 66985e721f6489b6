package com.shopintent.scoring.model;

/**
 * Scores one row in model input form (the model's feature order, float precision, NaN for
 * missing). {@link TreeEnsembleScorer} is the one the product serves; the benchmark puts a
 * library's per-record predict behind the same interface to compare the two in one pipeline.
 */
public interface RowScorer {

    /** Probability of the positive class. */
    double score(float[] input);

    /** Number of input values a row has. */
    int featureCount();
}
