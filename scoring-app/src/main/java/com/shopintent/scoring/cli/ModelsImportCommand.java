package com.shopintent.scoring.cli;

import com.shopintent.scoring.model.GoldenSet;
import com.shopintent.scoring.model.XGBoostJsonImport;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code models import}: a model trained elsewhere, saved as XGBoost JSON, made into a package. */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = {"Make a model package of an XGBoost model saved as JSON by Python or R (save_model(\"m.json\")).",
            "The golden set is the first data set rows with native XGBoost's probabilities; the import is refused"
                    + " unless this build's scorer reproduces every one.",
            "The model must have been trained on this build's feature encoding (see docs/MODEL.md)."})
final class ModelsImportCommand implements Callable<Integer> {

    @Option(names = "--xgboost-json", required = true, paramLabel = "<model.json>", description = "the model in XGBoost's JSON format")
    Path modelJson;

    @Option(names = "--features", required = true, paramLabel = "<mapping>",
            description = "text file, one feature schema column per line in the model's input order ('#' comments and blank lines skipped)")
    Path mapping;

    @Option(names = "--out", required = true, paramLabel = "<model-dir>", description = "new (or empty) directory to write the package to")
    Path out;

    @Option(names = "--positive-class", defaultValue = "1", paramLabel = "<N>",
            description = "for a multi-class model, the output that is the purchase probability (default: ${DEFAULT-VALUE})")
    int positiveClass;

    @Mixin
    DataOption data = new DataOption();

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        XGBoostJsonImport.Imported imported = XGBoostJsonImport.importModel(modelJson, XGBoostJsonImport.readMapping(mapping),
                positiveClass, data.rows(), out);
        PrintWriter log = spec.commandLine().getOut();
        log.printf("imported %s from %s%n", imported.model().version(), modelJson.getFileName());
        log.printf("parity: largest difference from native XGBoost %.2e over %d golden rows (tolerance %s)%n",
                imported.largestDifference(), imported.goldenRows(), GoldenSet.TOLERANCE);
        log.printf("model package: %s%n", out.toAbsolutePath());
        log.flush();
        return 0;
    }
}
