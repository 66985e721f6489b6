package com.shopintent.scoring.bench;

import com.shopintent.scoring.features.DatasetReader;
import com.shopintent.scoring.features.DatasetRow;
import com.shopintent.scoring.model.ModelPackage;
import com.shopintent.scoring.model.ModelTrainer;
import com.shopintent.scoring.model.ScoringModel;
import com.shopintent.scoring.model.TrainingSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;
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

    /** Tree depth of the 150-tree model: 4 is the shipped model's, 6 the benchmark target's. */
    @Param({"4", "6"})
    int depth;

    private ScoringModel model;
    private Booster booster;
    private float[][] rows;
    private float[] batch;
    private int next;
    private int positiveClass;

    @Setup(Level.Trial)
    public void train() throws IOException, XGBoostError {
        TrainingSettings defaults = TrainingSettings.defaults(42);
        TrainingSettings settings = new TrainingSettings(150, defaults.eta(), depth, defaults.minChildWeight(), defaults.subsample(),
                defaults.featureSubsample(), defaults.lambda(), defaults.alpha(), defaults.testFraction(), defaults.seed(), defaults.threads());
        List<DatasetRow> data = DatasetReader.shipped();
        Path dir = Files.createTempDirectory("scorer-benchmark");
        ModelTrainer.Trained trained = new ModelTrainer().train(data, settings);
        ModelPackage.write(dir, trained, settings, "shipped", "");
        model = ModelPackage.load(dir);
        positiveClass = trained.positiveClass();
        booster = XGBoost.loadModel(trained.boosterJson());
        rows = data.stream().map(row -> model.modelInput(row.features())).toArray(float[][]::new);
        int width = rows[0].length;
        batch = new float[BATCH * width];
        for (int i = 0; i < BATCH; i++) {
            System.arraycopy(rows[i], 0, batch, i * width, width);
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
        return model.scoreInput(nextRow());
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
