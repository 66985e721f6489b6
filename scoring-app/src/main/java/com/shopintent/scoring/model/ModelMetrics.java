package com.shopintent.scoring.model;

import java.util.List;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.evaluation.LabelEvaluation;
import org.tribuo.classification.evaluation.LabelEvaluator;

/**
 * Held-out quality of a model: ROC AUC, PR AUC (average precision), accuracy and F1 at 0.5 for the
 * purchase class, and the Brier score of its probability (lower is better).
 */
public record ModelMetrics(double auc, double prAuc, double accuracy, double f1, double brier) {

    static ModelMetrics evaluate(Model<Label> model, MutableDataset<Label> heldOut, Label positive) {
        LabelEvaluation evaluation = new LabelEvaluator().evaluate(model, heldOut);
        List<Prediction<Label>> predictions = evaluation.getPredictions();
        double squaredError = 0;
        for (Prediction<Label> prediction : predictions) {
            double p = prediction.getOutputScores().get(positive.getLabel()).getScore();
            double y = prediction.getExample().getOutput().equals(positive) ? 1 : 0;
            squaredError += (p - y) * (p - y);
        }
        return new ModelMetrics(evaluation.AUCROC(positive), evaluation.averagedPrecision(positive),
                evaluation.accuracy(), evaluation.f1(positive), squaredError / predictions.size());
    }
}
