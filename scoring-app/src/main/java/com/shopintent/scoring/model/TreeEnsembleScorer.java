package com.shopintent.scoring.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.shopintent.scoring.events.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Scores one row with the trees of an XGBoost model saved in XGBoost's JSON format, in plain Java
 * over flat arrays: no native call, no allocation beyond the class margins, thread-safe.
 *
 * <p>It does what XGBoost's CPU predictor does for one row, in the same float arithmetic: start
 * from the base margin, walk each tree ({@code value < threshold} goes left, a missing value (NaN)
 * follows the node's default direction), add each leaf to its class's margin, then apply the
 * objective's link (sigmoid, or softmax over the classes).
 *
 * <p>Speed: a pointer walk costs a branch per node that the CPU mispredicts about half the time
 * (about 10 us a row for 300 trees of depth 6). So the trees are also laid out as complete binary
 * trees of the ensemble's depth (a shallower leaf copied into every slot below it), node i's
 * children at 2i+1 and 2i+2: every tree then takes the same number of steps, each step a compare
 * whose result is added to the index rather than branched on, and eight trees are walked side by
 * side so their loads overlap. A missing value goes where its feature's splits send it: when every
 * split on a feature has the same default direction (as in a model trained without missing values,
 * whose splits all default right), the value is replaced by -inf (all left) or +inf (all right) and
 * the row keeps the complete layout; otherwise the row takes the pointer walk, which knows each
 * node's default direction. So do ensembles deeper than {@link #MAX_COMPLETE_DEPTH}, whose complete
 * layout would not fit in the CPU's caches.
 */
public final class TreeEnsembleScorer implements RowScorer {

    private static final int LEAF = -1;
    /** Deepest ensemble laid out complete: 2^10 slots a tree, a few MB for a thousand trees. */
    static final int MAX_COMPLETE_DEPTH = 10;

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
    /** The complete layout (see the class comment), or null when the ensemble is too deep for it. */
    private final CompleteTrees complete;
    /**
     * Per feature, the value a missing one stands for in the complete layout: -inf when every split
     * on the feature defaults left, +inf when every one defaults right, NaN when they differ.
     */
    private final float[] missingAs;

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
        this.complete = CompleteTrees.of(roots, treeClass, baseMargins.length, left, right, feature, threshold);
        this.missingAs = missingAs(featureCount, left, feature, threshold, defaultLeft);
    }

    private static float[] missingAs(int featureCount, int[] left, int[] feature, float[] threshold, boolean[] defaultLeft) {
        final int goesLeft = 1;
        final int goesRight = 2;
        int[] ways = new int[featureCount];
        for (int n = 0; n < left.length; n++) {
            if (left[n] != LEAF) {
                // An infinite threshold would not order an infinite value: such a feature keeps the walk.
                ways[feature[n]] |= Float.isFinite(threshold[n]) ? (defaultLeft[n] ? goesLeft : goesRight) : goesLeft | goesRight;
            }
        }
        float[] out = new float[featureCount];
        for (int f = 0; f < featureCount; f++) {
            out[f] = switch (ways[f]) {
                case goesRight -> Float.POSITIVE_INFINITY;
                case goesLeft | goesRight -> Float.NaN;
                // No split reads it, or every one sends it left.
                default -> Float.NEGATIVE_INFINITY;
            };
        }
        return out;
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
    @Override
    public int featureCount() {
        return featureCount;
    }

    public int treeCount() {
        return roots.length;
    }

    /** Probability of the positive class for one row ({@link #featureCount()} values, NaN = missing). */
    @Override
    public double score(float[] x) {
        float[] margins = baseMargins.clone();
        float[] row = complete == null ? null : completeRow(x);
        if (row != null) {
            complete.addLeaves(row, margins);
        } else {
            walk(x, margins);
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

    /** The pointer walk: any depth, and a missing value follows the node's default direction. */
    private void walk(float[] x, float[] margins) {
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
    }

    /**
     * The row for the complete layout: x itself when nothing is missing, a copy with each missing
     * value replaced by {@link #missingAs}, or null when a missing feature's splits disagree.
     */
    float[] completeRow(float[] x) {
        boolean missing = false;
        for (float v : x) {
            missing |= v != v;
        }
        if (!missing) {
            return x;
        }
        float[] row = x.clone();
        for (int f = 0; f < row.length; f++) {
            if (row[f] != row[f]) {
                row[f] = missingAs[f];
                if (row[f] != row[f]) {
                    return null;
                }
            }
        }
        return row;
    }

    /**
     * Every tree as a complete binary tree of one depth: the 2^depth - 1 inner slots of each tree,
     * each its split feature (high 32 bits) and threshold (low 32 bits, the float's bits) in one
     * long, so a step is one load; then the 2^depth leaf values of each tree. The trees are grouped
     * by the output they add to, in their order within it ({@code classStart[c]} is the first of
     * output c): each output's sum then stays in a register, and adds up in XGBoost's order.
     */
    private record CompleteTrees(int depth, long[] split, float[] leaf, int[] classStart) {

        static CompleteTrees of(int[] roots, int[] treeClass, int outputs, int[] left, int[] right, int[] feature, float[] threshold) {
            int depth = 0;
            for (int root : roots) {
                depth = Math.max(depth, depth(root, left, right));
            }
            if (depth > MAX_COMPLETE_DEPTH) {
                return null;
            }
            int inner = (1 << depth) - 1;
            int[] classStart = new int[outputs + 1];
            for (int c : treeClass) {
                classStart[c + 1]++;
            }
            for (int c = 0; c < outputs; c++) {
                classStart[c + 1] += classStart[c];
            }
            CompleteTrees trees = new CompleteTrees(depth, new long[roots.length * inner], new float[roots.length << depth], classStart);
            int[] next = Arrays.copyOf(classStart, outputs);
            for (int t = 0; t < roots.length; t++) {
                trees.place(next[treeClass[t]]++, 0, roots[t], left, right, feature, threshold);
            }
            return trees;
        }

        private static int depth(int node, int[] left, int[] right) {
            return left[node] == LEAF ? 0 : 1 + Math.max(depth(left[node], left, right), depth(right[node], left, right));
        }

        private static long split(int feature, float threshold) {
            return ((long) feature << 32) | (Float.floatToRawIntBits(threshold) & 0xFFFF_FFFFL);
        }

        /** Puts node {@code node} of an original tree at slot {@code slot} of complete tree {@code t}. */
        private void place(int t, int slot, int node, int[] left, int[] right, int[] feature, float[] threshold) {
            int inner = (1 << depth) - 1;
            if (slot < inner && left[node] != LEAF) {
                split[t * inner + slot] = split(feature[node], threshold[node]);
                place(t, 2 * slot + 1, left[node], left, right, feature, threshold);
                place(t, 2 * slot + 2, right[node], left, right, feature, threshold);
            } else if (slot < inner) {
                // A leaf above the bottom: both sides lead to it, whatever the split says (feature 0, threshold 0).
                split[t * inner + slot] = split(0, 0);
                place(t, 2 * slot + 1, node, left, right, feature, threshold);
                place(t, 2 * slot + 2, node, left, right, feature, threshold);
            } else {
                leaf[(t << depth) + slot - inner] = threshold[node];
            }
        }

        /** One step down from slot i of the tree at base: value < threshold goes left (2i+1), else right (2i+2). */
        private static int down(long[] split, float[] x, int base, int i) {
            long s = split[base + i];
            return 2 * i + 2 - (x[(int) (s >>> 32)] < Float.intBitsToFloat((int) s) ? 1 : 0);
        }

        /** Adds each output's trees' leaves for row x to margins[output]. */
        void addLeaves(float[] x, float[] margins) {
            for (int c = 0; c < margins.length; c++) {
                margins[c] = sumLeaves(x, classStart[c], classStart[c + 1], margins[c]);
            }
        }

        private float sumLeaves(float[] x, int from, int to, float sum) {
            int depth = this.depth;
            int inner = (1 << depth) - 1;
            long[] split = this.split;
            float[] leaf = this.leaf;
            int t = from;
            // Eight trees side by side: their steps do not depend on each other, so their loads overlap.
            for (; t + 8 <= to; t += 8) {
                int b = t * inner;
                int i0 = 0;
                int i1 = 0;
                int i2 = 0;
                int i3 = 0;
                int i4 = 0;
                int i5 = 0;
                int i6 = 0;
                int i7 = 0;
                for (int d = 0; d < depth; d++) {
                    i0 = down(split, x, b, i0);
                    i1 = down(split, x, b + inner, i1);
                    i2 = down(split, x, b + 2 * inner, i2);
                    i3 = down(split, x, b + 3 * inner, i3);
                    i4 = down(split, x, b + 4 * inner, i4);
                    i5 = down(split, x, b + 5 * inner, i5);
                    i6 = down(split, x, b + 6 * inner, i6);
                    i7 = down(split, x, b + 7 * inner, i7);
                }
                int l = (t << depth) - inner;
                // One after another, in tree order: the same float sum as XGBoost's.
                sum += leaf[l + i0];
                sum += leaf[l + (1 << depth) + i1];
                sum += leaf[l + (2 << depth) + i2];
                sum += leaf[l + (3 << depth) + i3];
                sum += leaf[l + (4 << depth) + i4];
                sum += leaf[l + (5 << depth) + i5];
                sum += leaf[l + (6 << depth) + i6];
                sum += leaf[l + (7 << depth) + i7];
            }
            for (; t < to; t++) {
                int i = 0;
                for (int d = 0; d < depth; d++) {
                    i = down(split, x, t * inner, i);
                }
                sum += leaf[(t << depth) + i - inner];
            }
            return sum;
        }
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
