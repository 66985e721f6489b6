package com.shopintent.scoring.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.shopintent.scoring.events.Json;
import com.shopintent.scoring.features.DatasetRow;
import com.shopintent.scoring.features.FeatureSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * Wraps a model trained elsewhere and saved in XGBoost's JSON format ({@code save_model("m.json")}
 * in Python or R) into a model package, once this build's scorer gives native XGBoost's probability
 * on every golden row.
 *
 * <p>A mapping names, for each model input in order, the {@link FeatureSchema} column it takes.
 * The package records this build's feature schema hash: the mapping is the importer's statement
 * that the model was trained on {@link FeatureSchema#encode}'s encoding (month numbers, visitor
 * type codes, NaN for a missing code). The golden probabilities come from native XGBoost
 * (xgboost4j) scoring the model file itself, so they do not depend on the scorer they check.
 */
public final class XGBoostJsonImport {

    /** The package written, and the largest difference from native XGBoost over its golden rows. */
    public record Imported(ScoringModel model, int goldenRows, double largestDifference) {
    }

    private XGBoostJsonImport() {
    }

    /**
     * Reads a mapping file: one schema column name per line, line i naming the model's input i;
     * blank lines and lines starting with {@code #} are skipped.
     */
    public static List<String> readMapping(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read feature mapping " + file, e);
        }
        List<String> features = new ArrayList<>();
        Map<String, Integer> lineOf = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String name = lines.get(i).strip();
            if (name.isEmpty() || name.startsWith("#")) {
                continue;
            }
            int line = i + 1;
            if (!FeatureSchema.COLUMNS.contains(name)) {
                throw new IllegalArgumentException("feature mapping " + file + " line " + line + ": '" + name
                        + "' is not a feature schema column; the columns are " + FeatureSchema.COLUMNS);
            }
            Integer first = lineOf.putIfAbsent(name, line);
            if (first != null) {
                throw new IllegalArgumentException("feature mapping " + file + " line " + line + ": '" + name
                        + "' is mapped twice (first on line " + first + ")");
            }
            features.add(name);
        }
        return List.copyOf(features);
    }

    /**
     * Imports {@code modelJson} into the new package directory {@code out}.
     *
     * @param features the schema column of each model input, in the model's order ({@link #readMapping})
     * @param positiveClass for a multi-class model, the class whose probability is the purchase probability
     * @param rows data set rows; the first {@link GoldenSet#SIZE} become the golden set
     */
    public static Imported importModel(Path modelJson, List<String> features, int positiveClass, List<DatasetRow> rows, Path out) {
        byte[] json = readModel(modelJson);
        JsonNode learner = parse(json, modelJson).path("learner");
        TreeEnsembleScorer scorer;
        try {
            scorer = TreeEnsembleScorer.fromJson(json, positiveClass);
        } catch (IllegalArgumentException e) {
            throw new ModelPackageException(ModelPackageException.Reason.INVALID_MODEL,
                    modelJson + " cannot be imported: " + e.getMessage(), e);
        }
        checkMapping(modelJson, learner, features, scorer.featureCount());
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("the data set has no rows to make the golden set of");
        }
        refuseNonEmpty(out);

        List<float[]> inputs = new ArrayList<>();
        for (DatasetRow row : rows.subList(0, Math.min(GoldenSet.SIZE, rows.size()))) {
            inputs.add(GoldenSet.input(FeatureSchema.encode(row.features()), features));
        }
        double[] reference = nativeProbabilities(json, modelJson, learner, positiveClass, features, inputs);
        List<GoldenSet.Row> golden = new ArrayList<>();
        double largest = 0;
        int worst = 0;
        for (int i = 0; i < inputs.size(); i++) {
            double score = scorer.score(inputs.get(i));
            double difference = Double.isNaN(score) ? Double.POSITIVE_INFINITY : Math.abs(score - reference[i]);
            if (difference > largest) {
                largest = difference;
                worst = i;
            }
            golden.add(new GoldenSet.Row(inputs.get(i), reference[i]));
        }
        if (!(largest <= GoldenSet.TOLERANCE)) {
            throw new ModelPackageException(ModelPackageException.Reason.GOLDEN_SET, modelJson
                    + " is not imported: this build does not score it as native XGBoost does; worst is data row "
                    + rows.get(worst).row() + ": " + scorer.score(inputs.get(worst)) + " against " + reference[worst]
                    + " (difference " + largest + ", tolerance " + GoldenSet.TOLERANCE + ")");
        }

        ModelPackage.write(out, json, new GoldenSet(golden), List.of(), draft -> new ModelMetadata(
                ModelMetadata.FORMAT_VERSION, draft.version(), draft.createdAt(),
                "imported from " + modelJson.getFileName() + " (XGBoost JSON, sha256 "
                        + draft.files().get(ModelPackage.BOOSTER_FILE).substring(0, 12) + ")",
                FeatureSchema.LABEL, positiveClass, features, FeatureSchema.SCHEMA_HASH, null, null, null, draft.files()));
        // Proves the written package is one the stream would accept.
        return new Imported(ModelPackage.load(out), golden.size(), largest);
    }

    private static byte[] readModel(Path modelJson) {
        try {
            return Files.readAllBytes(modelJson);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read XGBoost model " + modelJson, e);
        }
    }

    private static JsonNode parse(byte[] json, Path modelJson) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException(modelJson + " is not an XGBoost JSON model (saved as UBJSON or in the old binary"
                    + " format? save it with a .json file name: booster.save_model(\"model.json\")): "
                    + (e instanceof JsonProcessingException p ? p.getOriginalMessage() : e.getMessage()), e);
        }
    }

    private static void checkMapping(Path modelJson, JsonNode learner, List<String> features, int featureCount) {
        if (features.size() != featureCount) {
            throw new IllegalArgumentException("the feature mapping names " + features.size() + " features, " + modelJson
                    + " has num_feature " + featureCount + " (one line per model input, in the model's order)");
        }
        JsonNode names = learner.path("feature_names");
        if (names.isArray() && !names.isEmpty()) {
            for (int i = 0; i < Math.max(names.size(), features.size()); i++) {
                String model = i < names.size() ? names.get(i).asText() : "(none)";
                String mapped = i < features.size() ? features.get(i) : "(none)";
                if (!model.equals(mapped)) {
                    throw new IllegalArgumentException("the feature mapping disagrees with the feature_names in " + modelJson
                            + " at model input " + i + ": the model says '" + model + "', the mapping '" + mapped + "'");
                }
            }
        }
    }

    private static void refuseNonEmpty(Path out) {
        if (!Files.exists(out)) {
            return;
        }
        try (Stream<Path> entries = Files.list(out)) {
            if (entries.findAny().isPresent()) {
                throw new IllegalArgumentException("--out " + out + " is not empty; import into a new directory");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + out, e);
        }
    }

    /** Native XGBoost's probability of {@code positiveClass} for each input row. */
    private static double[] nativeProbabilities(byte[] json, Path modelJson, JsonNode learner, int positiveClass,
                                                List<String> features, List<float[]> inputs) {
        float[] flat = new float[inputs.size() * features.size()];
        for (int r = 0; r < inputs.size(); r++) {
            System.arraycopy(inputs.get(r), 0, flat, r * features.size(), features.size());
        }
        Booster booster = null;
        DMatrix matrix = null;
        try {
            // loadModel(byte[]) reads the format from the first byte: '{' is JSON.
            booster = XGBoost.loadModel(json);
            matrix = new DMatrix(flat, inputs.size(), features.size(), Float.NaN);
            if (!learner.path("feature_names").isEmpty()) {
                // The mapping agrees with them (checkMapping); named columns keep any native name check satisfied.
                matrix.setFeatureNames(features.toArray(new String[0]));
            }
            // multi:softmax predicts the class index; its margins through softmax are the probabilities.
            boolean margins = learner.path("objective").path("name").asText().equals("multi:softmax");
            float[][] predictions = booster.predict(matrix, margins);
            double[] probabilities = new double[inputs.size()];
            for (int r = 0; r < probabilities.length; r++) {
                float[] row = predictions[r];
                probabilities[r] = margins ? softmax(row, positiveClass) : row[row.length == 1 ? 0 : positiveClass];
            }
            return probabilities;
        } catch (XGBoostError | IOException e) {
            throw new IllegalStateException("native XGBoost cannot score " + modelJson + ": " + e.getMessage(), e);
        } finally {
            if (matrix != null) {
                matrix.dispose();
            }
            if (booster != null) {
                booster.dispose();
            }
        }
    }

    private static double softmax(float[] margins, int k) {
        double max = Double.NEGATIVE_INFINITY;
        for (float m : margins) {
            max = Math.max(max, m);
        }
        double sum = 0;
        for (float m : margins) {
            sum += Math.exp(m - max);
        }
        return Math.exp(margins[k] - max) / sum;
    }
}
