package com.shopintent.scoring.model;

import java.util.List;
import java.util.Map;

/**
 * The {@code metadata.json} of a model package.
 *
 * @param origin how the model was made: trained by this program, or imported (and from what)
 * @param features feature names in the model's input order (for a Tribuo model: sorted by name)
 * @param positiveClass index of the purchase class among the model's outputs
 * @param featureSchemaHash {@link com.shopintent.scoring.features.FeatureSchema#SCHEMA_HASH} at training time
 * @param trainingData where the training rows came from; null for an imported model
 * @param settings the training settings; null for an imported model
 * @param metrics held-out quality; null for an imported model
 * @param files sha256 of every other file of the package, by file name
 */
public record ModelMetadata(
        int formatVersion,
        String version,
        String createdAt,
        String origin,
        String label,
        int positiveClass,
        List<String> features,
        String featureSchemaHash,
        TrainingData trainingData,
        TrainingSettings settings,
        ModelMetrics metrics,
        Map<String, String> files) {

    /** 1: the first packages; 2: adds the golden set and {@code origin}. */
    public static final int FORMAT_VERSION = 2;

    /** Where the training rows came from. */
    public record TrainingData(String source, String sha256, int trainRows, int testRows) {
    }
}
