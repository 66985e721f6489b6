package com.shopintent.scoring.cli;

import com.shopintent.scoring.features.DatasetRow;
import com.shopintent.scoring.model.ModelPackage;
import com.shopintent.scoring.model.ScoringModel;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code score-csv}: offline scoring of data set rows with the scorer the stream uses. */
@Command(name = "score-csv", mixinStandardHelpOptions = true,
        description = "Score data set rows offline with the same fast scorer the stream uses.")
final class ScoreCsvCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "<model-dir>", description = "model package directory")
    Path model;

    @Mixin
    DataOption data = new DataOption();

    @Option(names = "--out", required = true, paramLabel = "<csv>",
            description = "CSV to write: row (1-based data row), purchaseProbability, and Revenue when the input has it")
    Path out;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        ScoringModel scoring = ModelPackage.load(model);
        List<DatasetRow> rows = data.rows();
        boolean labelled = !rows.isEmpty() && rows.get(0).revenue() != null;
        String[] header = labelled ? new String[] {"row", "purchaseProbability", "Revenue"} : new String[] {"row", "purchaseProbability"};
        try (BufferedWriter writer = Files.newBufferedWriter(out, StandardCharsets.UTF_8);
             CSVPrinter printer = new CSVPrinter(writer, CSVFormat.DEFAULT.builder().setHeader(header).get())) {
            for (DatasetRow row : rows) {
                double p = scoring.score(row.features());
                if (labelled) {
                    printer.printRecord(row.row(), p, row.revenue() ? "TRUE" : "FALSE");
                } else {
                    printer.printRecord(row.row(), p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + out, e);
        }
        spec.commandLine().getOut().printf("scored %d rows with %s into %s%n", rows.size(), scoring.version(), out);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
