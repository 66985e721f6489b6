package com.shopintent.scoring.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.shopintent.scoring.events.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Scores one row with the trees of an XGBoost model saved in XGBoost's JSON format, in plain Java
 * over flat arrays: no native call, no allocation beyond the class margins, thread-safe.
 *
 * <p>It does what XGBoost's CPU predictor does for one row, in the same float arithmetic: start
 * from the base margin, walk each tree ({@code value < threshold} goes left, a missing value (NaN)
 * follows the node's default direction), add each leaf to its class's margin, then apply the
 * objective's link (sigmoid, or softmax over the classes).
 */
public final class TreeEnsembleScorer {

    private static final int LEAF = -1;

    private final int[] roots;
    private final int[] treeClass;
    private final int[] left;
    private final int[] right;
    private final int[] feature;
    private final float[] threshold;
    private final boolean[] defaultLeft;
    private final float[] baseMargins;
    private final boolean softmax;
    private final int positiveClass;
    private final int featureCount;

    private TreeEnsembleScorer(int[] roots, int[] treeClass, int[] left, int[] right, int[] feature, float[] threshold,
                               boolean[] defaultLeft, float[] baseMargins, boolean softmax, int positiveClass, int featureCount) {
        this.roots = roots;
        this.treeClass = treeClass;
        this.left = left;
        this.right = right;
        this.feature = feature;
        this.threshold = threshold;
        this.defaultLeft = defaultLeft;
        this.baseMargins = baseMargins;
        this.softmax = softmax;
        this.positiveClass = positiveClass;
        this.featureCount = featureCount;
    }

    /**
     * Compiles a model from XGBoost's JSON format ({@code Booster.save_model("m.json")} in Python,
     * {@code toByteArray("json")} in Java).
     *
     * @param positiveClass the class whose probability {@link #score} returns (1 for binary objectives)
     */
    public static TreeEnsembleScorer fromJson(byte[] json, int positiveClass) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("XGBoost model is not valid JSON", e);
        }
        JsonNode learner = required(root, "learner");
        String objective = required(required(learner, "objective"), "name").asText();
        JsonNode params = required(learner, "learner_model_param");
        int classes = Math.max(1, Integer.parseInt(required(params, "num_class").asText()));
        int featureCount = Integer.parseInt(required(params, "num_feature").asText());
        float[] base = parseFloats(required(params, "base_score").asText());

        boolean softmax;
        float[] baseMargins = new float[classes];
        switch (objective) {
            case "binary:logistic", "reg:logistic" -> {
                if (classes != 1 || positiveClass != 1) {
                    throw new IllegalArgumentException(objective + " model must have one output and positive class 1");
                }
                softmax = false;
                // Binary objectives store the base score as a probability; the margin is its logit.
                baseMargins[0] = (float) Math.log(base[0] / (1.0 - base[0]));
            }
            case "multi:softprob", "multi:softmax" -> {
                if (positiveClass < 0 || positiveClass >= classes) {
                    throw new IllegalArgumentException("positive class " + positiveClass + " is not one of the model's " + classes + " classes");
                }
                softmax = true;
                for (int k = 0; k < classes; k++) {
                    baseMargins[k] = base.length == 1 ? base[0] : base[k];
                }
            }
            default -> throw new IllegalArgumentException("objective '" + objective
                    + "' is not supported; supported are binary:logistic, reg:logistic, multi:softprob, multi:softmax");
        }

        JsonNode model = required(required(learner, "gradient_booster"), "model");
        JsonNode trees = required(model, "trees");
        JsonNode info = required(model, "tree_info");
        int nodes = 0;
        for (JsonNode tree : trees) {
            nodes += required(tree, "left_children").size();
        }
        int[] roots = new int[trees.size()];
        int[] treeClass = new int[trees.size()];
        int[] left = new int[nodes];
        int[] right = new int[nodes];
        int[] feature = new int[nodes];
        float[] threshold = new float[nodes];
        boolean[] defaultLeft = new boolean[nodes];
        int offset = 0;
        for (int t = 0; t < trees.size(); t++) {
            JsonNode tree = trees.get(t);
            for (JsonNode type : tree.path("split_type")) {
                if (type.asInt() != 0) {
                    throw new IllegalArgumentException("tree " + t + " has categorical splits, which this scorer does not support");
                }
            }
            JsonNode l = tree.get("left_children");
            JsonNode r = required(tree, "right_children");
            JsonNode f = required(tree, "split_indices");
            JsonNode c = required(tree, "split_conditions");
            JsonNode d = required(tree, "default_left");
            roots[t] = offset;
            treeClass[t] = info.get(t).asInt();
            for (int n = 0; n < l.size(); n++) {
                int i = offset + n;
                boolean leaf = l.get(n).asInt() == LEAF;
                left[i] = leaf ? LEAF : offset + l.get(n).asInt();
                right[i] = leaf ? LEAF : offset + r.get(n).asInt();
                feature[i] = f.get(n).asInt();
                // For a leaf, split_conditions holds the leaf value.
                threshold[i] = c.get(n).floatValue();
                defaultLeft[i] = d.get(n).asInt() == 1;
                if (!leaf && (feature[i] < 0 || feature[i] >= featureCount)) {
                    throw new IllegalArgumentException("tree " + t + " node " + n + " splits on feature " + feature[i] + " of " + featureCount);
                }
            }
            offset += l.size();
        }
        return new TreeEnsembleScorer(roots, treeClass, left, right, feature, threshold, defaultLeft, baseMargins,
                softmax, positiveClass, featureCount);
    }

    /** Number of input features, in the model's own order. */
    public int featureCount() {
        return featureCount;
    }

    public int treeCount() {
        return roots.length;
    }

    /** Probability of the positive class for one row ({@link #featureCount()} values, NaN = missing). */
    public double score(float[] x) {
        float[] margins = baseMargins.clone();
        for (int t = 0; t < roots.length; t++) {
            int n = roots[t];
            while (left[n] != LEAF) {
                float v = x[feature[n]];
                if (v != v) {
                    n = defaultLeft[n] ? left[n] : right[n];
                } else {
                    n = v < threshold[n] ? left[n] : right[n];
                }
            }
            margins[treeClass[t]] += threshold[n];
        }
        if (!softmax) {
            return 1.0f / (1.0f + (float) Math.exp(-margins[0]));
        }
        float max = margins[0];
        for (float m : margins) {
            max = Math.max(max, m);
        }
        float sum = 0;
        for (int k = 0; k < margins.length; k++) {
            margins[k] = (float) Math.exp(margins[k] - max);
            sum += margins[k];
        }
        return margins[positiveClass] / sum;
    }

    private static float[] parseFloats(String text) {
        String body = text.trim();
        if (body.startsWith("[")) {
            body = body.substring(1, body.length() - 1);
        }
        List<Float> values = new ArrayList<>();
        for (String part : body.split(",")) {
            values.add(Float.parseFloat(part.trim()));
        }
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }

    private static JsonNode required(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new IllegalArgumentException("XGBoost model JSON has no '" + field + "'");
        }
        return value;
    }
}
