package com.shopintent.scoring.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.charset.StandardCharsets;
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
}
