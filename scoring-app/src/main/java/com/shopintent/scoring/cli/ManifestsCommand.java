package com.shopintent.scoring.cli;

import com.shopintent.scoring.config.ScoringConfig;
import com.shopintent.scoring.deploy.StrimziManifests;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code manifests strimzi}: deployment manifests generated from the code. */
@Command(name = "manifests", mixinStandardHelpOptions = true,
        description = "Write deployment manifests generated from the code.",
        subcommands = {ManifestsCommand.Strimzi.class})
final class ManifestsCommand implements Runnable {

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a manifests subcommand is required");
    }

    @Command(name = "strimzi", mixinStandardHelpOptions = true,
            description = {"Write the Strimzi resources of the product's Kafka cluster, one YAML file per object: the cluster, "
                + "its node pools and metrics rules, a KafkaTopic per topic, and a KafkaUser with its ACLs per client.",
                "They are made for the settings' defaults with production's 12 partitions, not the environment's, so that they "
                + "regenerate the same anywhere: ./scoring manifests strimzi --out strimzi/"})
    static final class Strimzi implements Callable<Integer> {

        @Option(names = "--out", required = true, paramLabel = "<dir>", description = "the directory to write into (created if missing)")
        Path out;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            List<Path> written = new StrimziManifests(StrimziManifests.productionSettings()).write(out);
            PrintWriter output = spec.commandLine().getOut();
            written.forEach(path -> output.println("wrote    " + path));
            try (Stream<Path> files = Files.list(out)) {
                files.filter(path -> path.getFileName().toString().endsWith(".yaml") && !written.contains(path)).sorted()
                        .forEach(path -> output.println("warning  " + path + " was not written by this version: delete it if its object is gone"));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + out, e);
            }
            output.flush();
            return 0;
        }
    }
}
