package com.shopintent.scoring.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.shopintent.scoring.TestModels;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code class-archive} as the image's build runs it: {@code java -jar} on the packaged jar, which
 * starts its own broker; the archive it writes must hold the pipeline's classes and be usable by a
 * JVM started from the same jar. (CDS archives classes from jar files only: the test JVM's class
 * path, with its class directories, could not make one.)
 */
class ClassArchiveIT {

    private static final Path JAR = Path.of("target", "scoring-app.jar");

    @Test
    void shouldArchiveThePipelinesClassesForAJvmStartedFromTheSameJar(@TempDir Path dir) throws Exception {
        assertThat(JAR).as("the packaged jar (mvn verify packages it before the ITs)").isRegularFile();
        Path archive = dir.resolve("scoring.jsa");

        Result made = java(dir, "made", "-jar", JAR.toString(), "class-archive", "--model", TestModels.packageDir().toString(),
                "--out", archive.toString());

        assertThat(made.exitCode()).as(made.output()).isZero();
        assertThat(made.output()).contains("class-data archive written to " + archive);
        Result listed = java(dir, "listed", "-XX:SharedArchiveFile=" + archive, "-XX:+PrintSharedArchiveAndExit", "-jar", JAR.toString());
        assertThat(listed.exitCode()).as(listed.output()).isZero();
        // Loaded on the way to ready (Kafka Streams, RocksDB, the model) and under load (the topology, the scorer).
        for (String type : List.of("org.apache.kafka.streams.KafkaStreams", "org.rocksdb.RocksDB",
                "com.shopintent.scoring.model.TreeEnsembleScorer", "com.shopintent.scoring.topology.SessionScoringProcessor",
                "com.shopintent.scoring.runtime.HttpEndpoints")) {
            assertThat(listed.output()).as(type).containsPattern("\\d+: " + type.replace(".", "\\.") + " ");
        }
        // -Xshare:on: a JVM that cannot map the archive fails instead of starting without it.
        Result used = java(dir, "used", "-Xshare:on", "-XX:SharedArchiveFile=" + archive, "-jar", JAR.toString(), "--version");
        assertThat(used.exitCode()).as(used.output()).isZero();
    }

    @Test
    void shouldRefuseAClassPathThatIsNotAllJars(@TempDir Path dir) {
        CommandsTest.Run run = CommandsTest.run("class-archive", "--model", TestModels.packageDir().toString(),
                "--out", dir.resolve("scoring.jsa").toString());

        assertThat(run.exitCode()).isNotZero();
        assertThat(run.err()).contains("jar files only").contains("java -jar");
        assertThat(dir.resolve("scoring.jsa")).doesNotExist();
    }

    private record Result(int exitCode, String output) {
    }

    private static Result java(Path dir, String name, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(List.of(args));
        Path output = dir.resolve(name + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().keySet().removeIf(variable -> variable.startsWith("SCORING_")
                || List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS").contains(variable));
        Process process = builder.start();
        if (!process.waitFor(3, TimeUnit.MINUTES)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("java " + String.join(" ", args) + " did not finish in 3 minutes:\n" + Files.readString(output));
        }
        return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
    }
}
