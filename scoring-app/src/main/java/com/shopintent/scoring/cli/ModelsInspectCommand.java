package com.shopintent.scoring.cli;

import com.shopintent.scoring.features.FeatureSchema;
import com.shopintent.scoring.model.GoldenSet;
import com.shopintent.scoring.model.ModelMetadata;
import com.shopintent.scoring.model.ModelPackage;
import com.shopintent.scoring.model.ModelPackageException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code models inspect}: a package's metadata for a reader, and whether it would be served. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = {"Show a model package: version, origin, features in model order, metrics, training data,"
                + " settings and every file's sha256; the last line says whether it verifies.",
            "The package need not verify to be shown."})
final class ModelsInspectCommand implements Callable<Integer> {

    @Parameters(paramLabel = "<model-dir>", description = "model package directory")
    Path dir;

    @Option(names = "--json", description = "print metadata.json as it is in the package")
    boolean json;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.print(metadataText());
            out.flush();
            return 0;
        }
        ModelMetadata m = ModelPackage.readMetadata(dir);
        line(out, "package", dir.toAbsolutePath().normalize());
        line(out, "version", m.version());
        line(out, "origin", m.origin());
        line(out, "created", m.createdAt());
        line(out, "package sha256", ModelPackage.packageSha256(dir));
        line(out, "format", m.formatVersion());
        line(out, "label", m.label() + ", positive class " + m.positiveClass());
        line(out, "feature schema", m.featureSchemaHash() + (FeatureSchema.SCHEMA_HASH.equals(m.featureSchemaHash())
                ? " (matches this build)" : " (differs: this build serves " + FeatureSchema.SCHEMA_HASH + ")"));
        out.println("features (model order):");
        if (m.features() != null) {
            for (int i = 0; i < m.features().size(); i++) {
                out.printf("  %2d  %s%n", i, m.features().get(i));
            }
        }
        if (m.metrics() != null) {
            line(out, "metrics", components(m.metrics()));
        }
        if (m.trainingData() != null) {
            line(out, "training data", components(m.trainingData()));
        }
        if (m.settings() != null) {
            line(out, "settings", components(m.settings()));
        }
        out.println("files:");
        if (m.files() != null) {
            for (Map.Entry<String, String> file : m.files().entrySet()) {
                out.printf("  %-16s %s%n", file.getKey(), file.getValue());
            }
        }
        line(out, "golden rows", goldenRows());
        line(out, "verify", verdict());
        out.flush();
        return 0;
    }

    private String metadataText() {
        Path file = dir.resolve(ModelPackage.METADATA_FILE);
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private String goldenRows() {
        try {
            return String.valueOf(GoldenSet.read(dir.resolve(ModelPackage.GOLDEN_FILE)).rows().size());
        } catch (ModelPackageException e) {
            return "unreadable: " + e.getMessage();
        }
    }

    private String verdict() {
        try {
            ModelPackage.load(dir);
            return "ok";
        } catch (ModelPackageException e) {
            return ModelsVerifyCommand.refusal(e);
        }
    }

    private static void line(PrintWriter out, String name, Object value) {
        out.printf("%-16s %s%n", name + ":", value);
    }

    /** A metadata record as {@code name=value} pairs, so a field added to it is shown without a change here. */
    private static String components(Record record) {
        StringJoiner joined = new StringJoiner(" ");
        for (RecordComponent component : record.getClass().getRecordComponents()) {
            try {
                joined.add(component.getName() + "=" + component.getAccessor().invoke(record));
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new IllegalStateException("cannot read " + component.getName() + " of " + record.getClass().getSimpleName(), e);
            }
        }
        return joined.toString();
    }
}
