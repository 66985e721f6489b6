package com.shopintent.scoring.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.shopintent.scoring.events.Json;
import com.shopintent.scoring.features.FeatureSchema;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Rows in model input form with the probability the reference implementation (native XGBoost,
 * through Tribuo or the library that trained the model) gave them. A package carries them in
 * {@value ModelPackage#GOLDEN_FILE}; a model is only served when this build's scorer reproduces
 * every one within {@link #TOLERANCE}.
 *
 * <p>JSON: {@code {"rows": [{"input": [0.0, null, …], "probability": 0.0123}, …]}}, inputs in the
 * model's feature order, {@code null} for a missing value.
 */
public record GoldenSet(List<Row> rows) {

    /** Largest difference from the reference probability that still counts as the same model. */
    public static final double TOLERANCE = 1e-6;
    /** Rows a package carries: enough to walk most branches, small enough to check in a millisecond. */
    public static final int SIZE = 200;

    public GoldenSet {
        rows = List.copyOf(rows);
    }

    /** One input row and its reference probability. */
    public record Row(float[] input, double probability) {
    }

    /**
     * A golden row's input: the {@link FeatureSchema#encode} columns
     * in the model's feature order, in float as the trees read them ({@link ScoringModel#modelInput}).
     */
    static float[] input(double[] columns, List<String> features) {
        float[] input = new float[features.size()];
        for (int i = 0; i < input.length; i++) {
            input[i] = (float) columns[FeatureSchema.COLUMNS.indexOf(features.get(i))];
        }
        return input;
    }

    /**
     * Scores every row with {@code scorer}; throws when one is NaN or differs from its reference
     * by more than {@link #TOLERANCE}.
     */
    public void check(TreeEnsembleScorer scorer, String version) {
        if (rows.isEmpty()) {
            throw new ModelPackageException(ModelPackageException.Reason.GOLDEN_SET, "model " + version + " has an empty golden set");
        }
        for (int i = 0; i < rows.size(); i++) {
            Row row = rows.get(i);
            if (row.input().length != scorer.featureCount()) {
                throw new ModelPackageException(ModelPackageException.Reason.GOLDEN_SET, "model " + version + ": golden row " + i
                        + " has " + row.input().length + " values, the model takes " + scorer.featureCount());
            }
            double score = scorer.score(row.input());
            if (Double.isNaN(score) || !(Math.abs(score - row.probability()) <= TOLERANCE)) {
                throw new ModelPackageException(ModelPackageException.Reason.GOLDEN_SET, "model " + version + ": golden row " + i
                        + " scores " + score + ", the reference says " + row.probability() + " (tolerance " + TOLERANCE + ")");
            }
        }
    }

    void write(Path file) throws IOException {
        ObjectNode root = Json.MAPPER.createObjectNode();
        ArrayNode array = root.putArray("rows");
        for (Row row : rows) {
            ObjectNode node = array.addObject();
            ArrayNode input = node.putArray("input");
            for (float value : row.input()) {
                if (Float.isNaN(value)) {
                    input.addNull();
                } else {
                    input.add(value);
                }
            }
            node.put("probability", row.probability());
        }
        Json.MAPPER.writer(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), root);
    }

    public static GoldenSet read(Path file) {
        try {
            JsonNode rows = Json.MAPPER.readTree(file.toFile()).path("rows");
            if (!rows.isArray()) {
                throw new ModelPackageException(ModelPackageException.Reason.GOLDEN_SET, file + " has no \"rows\" array");
            }
            List<Row> parsed = new ArrayList<>();
            for (JsonNode node : rows) {
                JsonNode input = node.path("input");
                JsonNode probability = node.path("probability");
                if (!input.isArray() || !probability.isNumber()) {
                    throw new ModelPackageException(ModelPackageException.Reason.GOLDEN_SET,
                            file + ": golden row " + parsed.size() + " needs an \"input\" array and a numeric \"probability\"");
                }
                float[] values = new float[input.size()];
                for (int i = 0; i < values.length; i++) {
                    JsonNode value = input.get(i);
                    values[i] = value.isNull() ? Float.NaN : value.floatValue();
                }
                parsed.add(new Row(values, probability.doubleValue()));
            }
            return new GoldenSet(parsed);
        } catch (IOException e) {
            throw new ModelPackageException(ModelPackageException.Reason.UNREADABLE, "cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
