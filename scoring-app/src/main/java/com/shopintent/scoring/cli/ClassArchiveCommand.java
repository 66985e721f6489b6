package com.shopintent.scoring.cli;

import com.shopintent.scoring.bench.ClassArchive;
import com.shopintent.scoring.config.ScoringConfig;
import com.shopintent.scoring.model.ModelPackage;
import com.shopintent.scoring.runtime.EmbeddedKafkaBroker;
import com.shopintent.scoring.runtime.TopicPlan;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.utils.Utils;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code class-archive}: the class-data archive {@code run} starts faster with (see
 * {@link ClassArchive}), made by a training run against a broker this command starts and removes.
 * The image's build runs it with the image's own JVM (Dockerfile).
 */
@Command(name = "class-archive", mixinStandardHelpOptions = true,
        description = {"Write the class-data archive (AppCDS) that `run` starts about a second faster with: a short run of the",
            "pipeline under load against a broker started here. Valid only for this JVM build and this jar;",
            "start with -XX:SharedArchiveFile=<file>."})
final class ClassArchiveCommand implements Callable<Integer> {

    @Option(names = "--out", required = true, paramLabel = "<file>", description = "where the archive goes")
    Path archive;

    @Option(names = "--model", required = true, paramLabel = "<model-dir>", description = "model package the training run serves")
    Path model;

    @Mixin
    DataOption data = new DataOption();

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        String why = ClassArchive.whyNotArchivable();
        if (why != null) {
            throw new IllegalArgumentException("cannot make a class-data archive: " + why + " (run it with java -jar)");
        }
        // Checked first: a package that does not load would fail the training run less clearly.
        ModelPackage.load(model);
        PrintWriter out = spec.commandLine().getOut();
        Path work = Files.createTempDirectory("scoring-class-archive");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            ScoringConfig config = ScoringConfig.from(System.getenv()).with(Map.of(
                    "SCORING_BOOTSTRAP_SERVERS", broker.bootstrapServers(),
                    "SCORING_REPLICATION_FACTOR", "1"));
            try (Admin admin = Admin.create(config.clientProperties())) {
                new TopicPlan(config).apply(admin);
            }
            ClassArchive.make(config, model, data.rows(), archive, work);
            out.printf("class-data archive written to %s (%,d KB); start with %s%n", archive, Files.size(archive) / 1024,
                    ClassArchive.useOption(archive));
            out.flush();
            return 0;
        } finally {
            Utils.delete(work.toFile());
        }
    }
}
