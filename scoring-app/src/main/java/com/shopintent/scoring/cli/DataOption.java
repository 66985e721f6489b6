package com.shopintent.scoring.cli;

import com.shopintent.scoring.features.DatasetReader;
import com.shopintent.scoring.features.DatasetRow;
import com.shopintent.scoring.model.ModelPackage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** The {@code --data} option: a CSV in the data set's format, the shipped data set when absent. */
final class DataOption {

    @Option(names = "--data", paramLabel = "<csv>",
            description = "CSV in the data set's format (default: the shipped online_shoppers_intention.csv)")
    Path data;

    List<DatasetRow> rows() {
        if (data == null) {
            return DatasetReader.shipped();
        }
        if (!Files.isRegularFile(data)) {
            throw new IllegalArgumentException("--data " + data + " is not a file");
        }
        return DatasetReader.read(data);
    }

    String source() {
        return data == null ? "shipped:" + DatasetReader.SHIPPED_RESOURCE : data.getFileName().toString();
    }

    String sha256() {
        try (InputStream in = data == null ? DataOption.class.getResourceAsStream(DatasetReader.SHIPPED_RESOURCE) : Files.newInputStream(data)) {
            return ModelPackage.sha256(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + source(), e);
        }
    }
}
