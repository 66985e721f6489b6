package com.shopintent.scoring.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The tree walk and link functions on hand-made models whose answers can be worked out on paper. */
class TreeEnsembleScorerTest {

    /** One stump: x0 < 0.5 goes left (leaf -1), else right (leaf +1); missing goes right. */
    private static String stump(String objective, String baseScore, String numClass) {
        return """
                {"learner":{"objective":{"name":"%s"},
                  "learner_model_param":{"base_score":"%s","num_class":"%s","num_feature":"2"},
                  "gradient_booster":{"model":{"tree_info":[0],"trees":[{
                    "left_children":[1,-1,-1],"right_children":[2,-1,-1],"split_indices":[0,0,0],
                    "split_conditions":[0.5,-1.0,1.0],"default_left":[0,0,0],"split_type":[0,0,0]}]}}}}
                """.formatted(objective, baseScore, numClass);
    }

    @Test
    void shouldApplyTheSigmoidToBaseMarginPlusLeafForBinaryLogistic() {
        TreeEnsembleScorer scorer = TreeEnsembleScorer.fromJson(stump("binary:logistic", "5E-1", "0").getBytes(StandardCharsets.UTF_8), 1);

        // base 0.5 is margin 0; the left leaf adds -1: sigmoid(-1) = 0.26894.
        assertThat(scorer.score(new float[] {0.2f, 0f})).isCloseTo(1 / (1 + Math.exp(1)), within(1e-7));
        assertThat(scorer.score(new float[] {0.5f, 0f})).isCloseTo(1 / (1 + Math.exp(-1)), within(1e-7));
    }

    @Test
    void shouldSendAMissingValueTheDefaultWay() {
        TreeEnsembleScorer scorer = TreeEnsembleScorer.fromJson(stump("binary:logistic", "5E-1", "0").getBytes(StandardCharsets.UTF_8), 1);

        assertThat(scorer.score(new float[] {Float.NaN, 0f})).isCloseTo(1 / (1 + Math.exp(-1)), within(1e-7));
    }

    @Test
    void shouldRefuseAnUnsupportedObjective() {
        assertThatThrownBy(() -> TreeEnsembleScorer.fromJson(stump("reg:squarederror", "5E-1", "0").getBytes(StandardCharsets.UTF_8), 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reg:squarederror");
    }

    @Test
    void shouldRefuseJsonThatIsNotAModel() {
        assertThatThrownBy(() -> TreeEnsembleScorer.fromJson("{\"learner\":{}}".getBytes(StandardCharsets.UTF_8), 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("objective");
    }

    @Test
    void shouldScoreLikeAPlainWalkWhateverTheTreeShapes() {
        java.util.Random random = new java.util.Random(11);
        // Shallow and uneven trees take the complete layout; the deepest ensemble is too deep for it.
        for (int maxDepth : new int[] {0, 1, 3, 6, TreeEnsembleScorer.MAX_COMPLETE_DEPTH + 2}) {
            for (int trees : new int[] {1, 5, 8, 13}) {
                List<Tree> ensemble = new java.util.ArrayList<>();
                for (int t = 0; t < trees; t++) {
                    ensemble.add(Tree.random(random, maxDepth));
                }
                TreeEnsembleScorer scorer = TreeEnsembleScorer.fromJson(json(ensemble).getBytes(StandardCharsets.UTF_8), 1);
                for (int row = 0; row < 300; row++) {
                    float[] x = new float[FEATURES];
                    for (int f = 0; f < FEATURES; f++) {
                        x[f] = row % 3 == 0 && random.nextInt(4) == 0 ? Float.NaN : random.nextFloat() * 2 - 1;
                    }
                    float margin = 0;
                    for (Tree tree : ensemble) {
                        margin += tree.leaf(x);
                    }
                    double expected = 1.0f / (1.0f + (float) Math.exp(-margin));
                    assertThat(scorer.score(x)).as("depth %d, %d trees, row %d", maxDepth, trees, row).isEqualTo(expected);
                }
            }
        }
    }

    @Test
    void shouldKeepTheCompleteLayoutForAMissingValueWhoseSplitsAllDefaultTheSameWay() {
        java.util.Random random = new java.util.Random(13);
        List<Tree> ensemble = new java.util.ArrayList<>();
        // Features 0 and 2 default left at every split, 1 and 3 right: what a model trained
        // without missing values looks like (there every split defaults right).
        for (int t = 0; t < 40; t++) {
            ensemble.add(Tree.random(random, 6, f -> f % 2 == 0));
        }
        TreeEnsembleScorer scorer = TreeEnsembleScorer.fromJson(json(ensemble).getBytes(StandardCharsets.UTF_8), 1);
        for (int row = 0; row < 500; row++) {
            float[] x = new float[FEATURES];
            for (int f = 0; f < FEATURES; f++) {
                x[f] = random.nextInt(3) == 0 ? Float.NaN : random.nextFloat() * 2 - 1;
            }
            float margin = 0;
            for (Tree tree : ensemble) {
                margin += tree.leaf(x);
            }
            assertThat(scorer.completeRow(x)).as("row %d", row).isNotNull();
            assertThat(scorer.score(x)).as("row %d", row).isEqualTo((double) (1.0f / (1.0f + (float) Math.exp(-margin))));
        }
    }

    @Test
    void shouldWalkARowWhoseMissingFeatureSplitsDefaultBothWays() {
        // Feature 0 defaults left in one tree and right in the other.
        List<Tree> ensemble = List.of(
                new Tree(List.of(1, -1, -1), List.of(2, -1, -1), List.of(0, 0, 0), List.of(0.5f, -1f, 1f), List.of(true, false, false)),
                new Tree(List.of(1, -1, -1), List.of(2, -1, -1), List.of(0, 0, 0), List.of(0.2f, -2f, 2f), List.of(false, false, false)));
        TreeEnsembleScorer scorer = TreeEnsembleScorer.fromJson(json(ensemble).getBytes(StandardCharsets.UTF_8), 1);

        float[] missing = {Float.NaN, 0f, 0f, 0f};
        assertThat(scorer.completeRow(missing)).isNull();
        // left leaf -1 of the first tree, right leaf +2 of the second: margin 1
        assertThat(scorer.score(missing)).isEqualTo((double) (1.0f / (1.0f + (float) Math.exp(-1f))));
        assertThat(scorer.completeRow(new float[] {0.3f, Float.NaN, 0f, 0f})).as("feature 1 is split on nowhere").isNotNull();
    }

    @Test
    void shouldAddEachTreeToItsOwnClassInTreeOrder() {
        java.util.Random random = new java.util.Random(12);
        int classes = 3;
        // Tree t adds to class t % 3, as XGBoost's multi-class boosters interleave them: the scorer
        // groups each class's trees, and each class's sum must still add up in tree order.
        for (int trees : new int[] {3, 13, 29}) {
            List<Tree> ensemble = new java.util.ArrayList<>();
            for (int t = 0; t < trees; t++) {
                ensemble.add(Tree.random(random, 4));
            }
            String json = json(ensemble, "multi:softprob", classes);
            for (int positive = 0; positive < classes; positive++) {
                TreeEnsembleScorer scorer = TreeEnsembleScorer.fromJson(json.getBytes(StandardCharsets.UTF_8), positive);
                for (int row = 0; row < 200; row++) {
                    float[] x = new float[FEATURES];
                    for (int f = 0; f < FEATURES; f++) {
                        x[f] = random.nextFloat() * 2 - 1;
                    }
                    float[] margins = {0.5f, 0.5f, 0.5f};
                    for (int t = 0; t < trees; t++) {
                        margins[t % classes] += ensemble.get(t).leaf(x);
                    }
                    float max = Math.max(margins[0], Math.max(margins[1], margins[2]));
                    float sum = 0;
                    for (int k = 0; k < classes; k++) {
                        margins[k] = (float) Math.exp(margins[k] - max);
                        sum += margins[k];
                    }
                    assertThat(scorer.score(x)).as("%d trees, class %d, row %d", trees, positive, row).isEqualTo((double) (margins[positive] / sum));
                }
            }
        }
    }

    private static final int FEATURES = 4;

    /** A tree in XGBoost's JSON arrays, and the plain walk it stands for. */
    private record Tree(List<Integer> left, List<Integer> right, List<Integer> feature, List<Float> condition, List<Boolean> defaultLeft) {

        static Tree random(java.util.Random random, int maxDepth) {
            return random(random, maxDepth, null);
        }

        /** @param defaultLeftOf each split's default direction by its feature; null: a coin toss per split */
        static Tree random(java.util.Random random, int maxDepth, java.util.function.IntPredicate defaultLeftOf) {
            Tree tree = new Tree(new java.util.ArrayList<>(), new java.util.ArrayList<>(), new java.util.ArrayList<>(),
                    new java.util.ArrayList<>(), new java.util.ArrayList<>());
            tree.grow(random, 0, maxDepth, defaultLeftOf);
            return tree;
        }

        private int grow(java.util.Random random, int depth, int maxDepth, java.util.function.IntPredicate defaultLeftOf) {
            int id = left.size();
            left.add(-1);
            right.add(-1);
            int f = random.nextInt(FEATURES);
            feature.add(f);
            defaultLeft.add(defaultLeftOf == null ? random.nextBoolean() : defaultLeftOf.test(f));
            // Leaves at every depth, so trees of one ensemble differ in shape and depth.
            if (depth == maxDepth || (depth > 0 && random.nextInt(5) == 0)) {
                condition.add(random.nextFloat() - 0.5f);
                return id;
            }
            condition.add(random.nextFloat() * 2 - 1);
            left.set(id, grow(random, depth + 1, maxDepth, defaultLeftOf));
            right.set(id, grow(random, depth + 1, maxDepth, defaultLeftOf));
            return id;
        }

        float leaf(float[] x) {
            int n = 0;
            while (left.get(n) != -1) {
                float v = x[feature.get(n)];
                boolean goLeft = Float.isNaN(v) ? defaultLeft.get(n) : v < condition.get(n);
                n = goLeft ? left.get(n) : right.get(n);
            }
            return condition.get(n);
        }

        String json() {
            return "{\"left_children\":" + left + ",\"right_children\":" + right + ",\"split_indices\":" + feature
                    + ",\"split_conditions\":" + condition + ",\"default_left\":" + defaultLeft.stream().map(b -> b ? "1" : "0").toList() + "}";
        }
    }

    private static String json(List<Tree> trees) {
        return json(trees, "binary:logistic", 1);
    }

    /** An ensemble whose tree t adds to class t % classes. */
    private static String json(List<Tree> trees, String objective, int classes) {
        List<Integer> classOf = java.util.stream.IntStream.range(0, trees.size()).map(t -> t % classes).boxed().toList();
        return """
                {"learner":{"objective":{"name":"%s"},
                  "learner_model_param":{"base_score":"5E-1","num_class":"%d","num_feature":"%d"},
                  "gradient_booster":{"model":{"tree_info":%s,"trees":[%s]}}}}
                """.formatted(objective, classes == 1 ? 0 : classes, FEATURES, classOf,
                String.join(",", trees.stream().map(Tree::json).toList()));
    }
}
