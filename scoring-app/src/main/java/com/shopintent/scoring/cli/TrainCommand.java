package com.shopintent.scoring.cli;

import com.shopintent.scoring.features.DatasetRow;
import com.shopintent.scoring.model.ModelMetadata;
import com.shopintent.scoring.model.ModelPackage;
import com.shopintent.scoring.model.ModelTrainer;
import com.shopintent.scoring.model.TrainingSettings;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code train}: trains the XGBoost classifier with Tribuo and writes a model package. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train the purchase-intent model on data set rows and write a model package.")
final class TrainCommand implements Callable<Integer> {

    @Mixin
    DataOption data = new DataOption();

    @Option(names = "--out", required = true, paramLabel = "<model-dir>", description = "directory to write the model package to")
    Path out;

    @Option(names = "--seed", defaultValue = "42", description = "seed of the held-out split and of XGBoost (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--trees", description = "boosting rounds (default: the tuned value)")
    Integer trees;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter log = spec.commandLine().getOut();
        List<DatasetRow> rows = data.rows();
        TrainingSettings defaults = TrainingSettings.defaults(seed);
        TrainingSettings settings = trees == null ? defaults : defaults.withTrees(trees);
        long start = System.nanoTime();
        ModelTrainer.Trained trained = new ModelTrainer().train(rows, settings);
        ModelMetadata metadata = ModelPackage.write(out, trained, settings, data.source(), data.sha256());
        log.printf("trained %s on %d rows (%d held out) in %.1f s%n", metadata.version(), trained.trainRows(),
                trained.testRows(), (System.nanoTime() - start) / 1e9);
        log.printf("held-out metrics: auc=%.4f prAuc=%.4f accuracy=%.4f f1=%.4f brier=%.4f%n", metadata.metrics().auc(),
                metadata.metrics().prAuc(), metadata.metrics().accuracy(), metadata.metrics().f1(), metadata.metrics().brier());
        log.printf("model package: %s%n", out.toAbsolutePath());
        log.flush();
        return 0;
    }
}
