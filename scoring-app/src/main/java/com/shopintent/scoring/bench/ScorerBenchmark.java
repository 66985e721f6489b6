package com.shopintent.scoring.bench;

import com.shopintent.scoring.features.DatasetReader;
import com.shopintent.scoring.features.DatasetRow;
import com.shopintent.scoring.model.ModelPackage;
import com.shopintent.scoring.model.ModelTrainer;
import com.shopintent.scoring.model.ScoringModel;
import com.shopintent.scoring.model.TrainingSettings;
import com.shopintent.scoring.model.TreeEnsembleScorer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;
import org.apache.kafka.common.utils.Utils;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Not a test: the cost of scoring one row with the stream's scorer, with xgboost4j one row at a
 * time (a DMatrix per event, as an embedded-model tutorial does) and with xgboost4j 1,000 rows at
 * a time, on the same trees and the data set's rows. Run by {@code ./scoring bench} ({@link ScorerMicrobenchmark}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ScorerBenchmark {

    private static final int BATCH = 1000;

    /**
     * The trees scored, as {@code objective-trees-depth}. Tribuo's two-class XGBoost trains
     * {@code multi:softprob}, which grows two trees a round: 150 rounds are 300 trees, at depth 4
     * (the shipped model's) and 6. The scorer target's model, 150 trees of depth 6, is a
     * {@code binary:logistic} booster trained by xgboost4j directly, with the same settings, on
     * every row of the data set (Tribuo's on its training split).
     */
    @Param({"softprob-300-4", "softprob-300-6", "logistic-150-6"})
    String model;

    private TreeEnsembleScorer scorer;
    private Booster booster;
    private float[][] rows;
    private float[] batch;
    private int next;
    /** The class of the booster's output that is the purchase probability. */
    private int positiveClass;

    @Setup(Level.Trial)
    public void train() throws IOException, XGBoostError {
        String[] spec = model.split("-");
        int depth = Integer.parseInt(spec[2]);
        TrainingSettings defaults = TrainingSettings.defaults(42);
        TrainingSettings settings = new TrainingSettings(150, defaults.eta(), depth, defaults.minChildWeight(), defaults.subsample(),
                defaults.featureSubsample(), defaults.lambda(), defaults.alpha(), defaults.testFraction(), defaults.seed(), defaults.threads());
        List<DatasetRow> data = DatasetReader.shipped();
        Path dir = Files.createTempDirectory("scorer-benchmark");
        ModelTrainer.Trained trained = new ModelTrainer().train(data, settings);
        ModelPackage.write(dir, trained, settings, "shipped", "");
        ScoringModel shipped = ModelPackage.load(dir);
        Utils.delete(dir.toFile());
        rows = data.stream().map(row -> shipped.modelInput(row.features())).toArray(float[][]::new);
        int width = rows[0].length;
        if (spec[0].equals("softprob")) {
            positiveClass = trained.positiveClass();
            booster = XGBoost.loadModel(trained.boosterJson());
            scorer = TreeEnsembleScorer.fromJson(trained.boosterJson(), positiveClass);
        } else {
            booster = logistic(data, settings, width);
            scorer = TreeEnsembleScorer.fromJson(booster.toByteArray("json"), 1);
            positiveClass = 0;
        }
        if (scorer.treeCount() != Integer.parseInt(spec[1])) {
            throw new IllegalStateException(model + ": the booster has " + scorer.treeCount() + " trees");
        }
        batch = new float[BATCH * width];
        for (int i = 0; i < BATCH; i++) {
            System.arraycopy(rows[i], 0, batch, i * width, width);
        }
    }

    /** A binary:logistic booster of {@code settings.trees()} trees on every row of the data set. */
    private Booster logistic(List<DatasetRow> data, TrainingSettings settings, int width) throws XGBoostError {
        float[] values = new float[rows.length * width];
        float[] labels = new float[rows.length];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, values, i * width, width);
            labels[i] = Boolean.TRUE.equals(data.get(i).revenue()) ? 1 : 0;
        }
        DMatrix matrix = new DMatrix(values, rows.length, width, Float.NaN);
        try {
            matrix.setLabel(labels);
            Map<String, Object> params = Map.of("objective", "binary:logistic", "eta", settings.eta(), "max_depth", settings.maxDepth(),
                    "min_child_weight", settings.minChildWeight(), "subsample", settings.subsample(),
                    "colsample_bytree", settings.featureSubsample(), "lambda", settings.lambda(), "alpha", settings.alpha(),
                    "seed", settings.seed(), "nthread", settings.threads());
            return XGBoost.train(matrix, params, settings.trees(), Map.of(), null, null);
        } finally {
            matrix.dispose();
        }
    }

    @TearDown(Level.Trial)
    public void dispose() {
        booster.dispose();
    }

    private float[] nextRow() {
        float[] row = rows[next];
        next = next + 1 == rows.length ? 0 : next + 1;
        return row;
    }

    @Benchmark
    public double scorerSingleRow() {
        return scorer.score(nextRow());
    }

    @Benchmark
    public float xgboost4jSingleRow() throws XGBoostError {
        float[] row = nextRow();
        DMatrix matrix = new DMatrix(row, 1, row.length, Float.NaN);
        try {
            return booster.predict(matrix)[0][positiveClass];
        } finally {
            matrix.dispose();
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public float xgboost4jBatchPerRow() throws XGBoostError {
        DMatrix matrix = new DMatrix(batch, BATCH, rows[0].length, Float.NaN);
        try {
            return booster.predict(matrix)[BATCH - 1][positiveClass];
        } finally {
            matrix.dispose();
        }
    }
}
