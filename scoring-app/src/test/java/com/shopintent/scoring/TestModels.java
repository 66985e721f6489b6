package com.shopintent.scoring;

import com.shopintent.scoring.features.DatasetReader;
import com.shopintent.scoring.features.DatasetRow;
import com.shopintent.scoring.model.ModelMetadata;
import com.shopintent.scoring.model.ModelPackage;
import com.shopintent.scoring.model.ModelTrainer;
import com.shopintent.scoring.model.ScoringModel;
import com.shopintent.scoring.model.TrainingSettings;
import com.shopintent.scoring.model.TreeEnsembleScorer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A model package trained once per test JVM on the shipped data set (about two seconds). */
public final class TestModels {

    private static Path packageDir;
    private static Path otherPackageDir;
    private static List<DatasetRow> rows;

    private TestModels() {
    }

    public static synchronized List<DatasetRow> shippedRows() {
        if (rows == null) {
            rows = DatasetReader.shipped();
        }
        return rows;
    }

    public static synchronized Path packageDir() {
        if (packageDir == null) {
            try {
                Path dir = Files.createTempDirectory("scoring-test-model");
                dir.toFile().deleteOnExit();
                TrainingSettings settings = TrainingSettings.defaults(42);
                ModelPackage.write(dir, new ModelTrainer().train(shippedRows(), settings), settings, "shipped", "test");
                packageDir = dir;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return packageDir;
    }

    /** A second package with other trees (40 rounds, seed 7), so its scores differ from {@link #packageDir()}'s. */
    public static synchronized Path otherPackageDir() {
        if (otherPackageDir == null) {
            try {
                Path dir = Files.createTempDirectory("scoring-test-model-other");
                dir.toFile().deleteOnExit();
                TrainingSettings settings = TrainingSettings.defaults(7).withTrees(40);
                ModelPackage.write(dir, new ModelTrainer().train(shippedRows(), settings), settings, "shipped", "test");
                otherPackageDir = dir;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return otherPackageDir;
    }

    public static ScoringModel scoringModel() {
        return ModelPackage.load(packageDir());
    }

    /** The same trees as {@link #scoringModel()} under another version, as a retrained identical model would be. */
    public static ScoringModel scoringModelAsVersion(String version) {
        try {
            ModelMetadata m = ModelPackage.readMetadata(packageDir());
            ModelMetadata renamed = new ModelMetadata(m.formatVersion(),
                    version, m.createdAt(), m.origin(), m.label(), m.positiveClass(), m.features(), m.featureSchemaHash(), m.trainingData(),
                    m.settings(), m.metrics(), m.files());
            byte[] booster = Files.readAllBytes(packageDir().resolve(ModelPackage.BOOSTER_FILE));
            return new ScoringModel(renamed, TreeEnsembleScorer.fromJson(booster, m.positiveClass()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
