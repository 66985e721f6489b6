package com.shopintent.scoring.model;

import com.shopintent.scoring.features.DatasetRow;
import com.shopintent.scoring.features.FeatureSchema;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import ml.dmlc.xgboost4j.java.XGBoostError;
import org.tribuo.Example;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.xgboost.XGBoostClassificationTrainer;
import org.tribuo.common.xgboost.XGBoostModel;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/**
 * Trains the purchase-intent classifier with Tribuo's XGBoost trainer on data set rows, holding out
 * a seeded, stratified share of each class for the metrics.
 */
public final class ModelTrainer {

    static final LabelFactory LABELS = new LabelFactory();
    /** The label of sessions that ended in a purchase; its score is the purchase probability. */
    public static final Label PURCHASE = new Label("true");
    static final Label NO_PURCHASE = new Label("false");

    /** A trained model, the booster it wraps in XGBoost's JSON format, and its held-out scores. */
    public record Trained(XGBoostModel<Label> model, byte[] boosterJson, List<String> modelFeatures,
                          int positiveClass, ModelMetrics metrics, GoldenSet golden, int trainRows, int testRows) {
    }

    public Trained train(List<DatasetRow> rows, TrainingSettings settings) {
        List<DatasetRow> train = new ArrayList<>();
        List<DatasetRow> test = new ArrayList<>();
        split(rows, settings, train, test);

        XGBoostClassificationTrainer trainer = new XGBoostClassificationTrainer(settings.trees(), settings.eta(),
                0.0, settings.maxDepth(), settings.minChildWeight(), settings.subsample(), settings.featureSubsample(),
                settings.lambda(), settings.alpha(), settings.threads(), true, settings.seed());
        XGBoostModel<Label> model = trainer.train(dataset(train, "training rows"));

        ImmutableFeatureMap featureMap = model.getFeatureIDMap();
        if (featureMap.size() != FeatureSchema.COLUMNS.size()) {
            throw new IllegalStateException("the trained model knows " + featureMap.size() + " features, expected " + FeatureSchema.COLUMNS.size());
        }
        List<String> modelFeatures = new ArrayList<>();
        for (int id = 0; id < featureMap.size(); id++) {
            modelFeatures.add(featureMap.get(id).getName());
        }
        byte[] boosterJson;
        try {
            boosterJson = model.getInnerModels().get(0).toByteArray("json");
        } catch (XGBoostError e) {
            throw new IllegalStateException("cannot export the trained booster as JSON", e);
        }
        int positiveClass = model.getOutputIDInfo().getID(PURCHASE);
        ModelMetrics metrics = ModelMetrics.evaluate(model, dataset(test, "held-out rows"), PURCHASE);
        return new Trained(model, boosterJson, List.copyOf(modelFeatures), positiveClass, metrics,
                golden(model, modelFeatures, test), train.size(), test.size());
    }

    /**
     * The first {@link GoldenSet#SIZE} held-out rows with the probability Tribuo (native XGBoost)
     * gives them: the reference every later load of the package is checked against.
     */
    static GoldenSet golden(XGBoostModel<Label> model, List<String> modelFeatures, List<DatasetRow> test) {
        List<GoldenSet.Row> rows = new ArrayList<>();
        for (DatasetRow row : test.subList(0, Math.min(GoldenSet.SIZE, test.size()))) {
            double[] columns = FeatureSchema.encode(row.features());
            double probability = model.predict(example(columns, PURCHASE)).getOutputScores().get(PURCHASE.getLabel()).getScore();
            rows.add(new GoldenSet.Row(GoldenSet.input(columns, modelFeatures), probability));
        }
        return new GoldenSet(rows);
    }

    /** Seeded split that keeps the class balance: the same share of buyers in both parts. */
    static void split(List<DatasetRow> rows, TrainingSettings settings, List<DatasetRow> train, List<DatasetRow> test) {
        Random random = new Random(settings.seed());
        for (boolean label : new boolean[] {true, false}) {
            List<DatasetRow> stratum = new ArrayList<>();
            for (DatasetRow row : rows) {
                if (row.revenue() == null) {
                    throw new IllegalArgumentException("data row " + row.row() + " has no Revenue label; training needs it");
                }
                if (row.revenue() == label) {
                    stratum.add(row);
                }
            }
            Collections.shuffle(stratum, random);
            int testSize = (int) Math.round(stratum.size() * settings.testFraction());
            test.addAll(stratum.subList(0, testSize));
            train.addAll(stratum.subList(testSize, stratum.size()));
        }
    }

    static MutableDataset<Label> dataset(List<DatasetRow> rows, String description) {
        MutableDataset<Label> dataset = new MutableDataset<>(new SimpleDataSourceProvenance(description, LABELS), LABELS);
        for (DatasetRow row : rows) {
            dataset.add(example(row.features() == null ? null : FeatureSchema.encode(row.features()),
                    Boolean.TRUE.equals(row.revenue()) ? PURCHASE : NO_PURCHASE));
        }
        return dataset;
    }

    /** A Tribuo example with every column present, zeros included, as the stream scores it. */
    static Example<Label> example(double[] values, Label label) {
        return new ArrayExample<>(label, FeatureSchema.COLUMNS.toArray(new String[0]), values);
    }
}
