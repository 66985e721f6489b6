package com.shopintent.scoring.bench;

import com.shopintent.scoring.config.ScoringConfig;
import com.shopintent.scoring.features.DatasetRow;
import com.shopintent.scoring.loadgen.LoadGenerator;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * A class-data sharing archive (AppCDS) of the classes the pipeline loads from its launch to
 * serving: a JVM started with {@link #useOption} maps them in parsed and verified instead of
 * reading them from the jar: start to ready 4.7 s instead of 5.8-6.1 s here (medians, docs/benchmarks.md).
 *
 * <p>It is made by a training run: {@code run} against a broker, under a short load, with
 * {@code -XX:ArchiveClassesAtExit}; the JVM writes the archive as the process stops. An archive
 * holds only for the JVM build that made it and the same jar files (path, size, time), so the
 * image makes it with its own JVM (Dockerfile); a JVM that cannot use an archive starts without it.
 */
public final class ClassArchive {

    private static final String APPLICATION_ID = "class-archive";
    private static final double RATE = 2_000;
    private static final Duration LOAD = Duration.ofSeconds(10);
    private static final int SHOPS = 50;
    private static final double SPEED_UP = 60;

    private ClassArchive() {
    }

    /** The JVM option that starts a JVM with the archive. */
    public static String useOption(Path archive) {
        return "-XX:SharedArchiveFile=" + archive.toAbsolutePath();
    }

    /** Why this JVM's class path cannot be archived, or null: the JVM archives classes from jar files only. */
    public static String whyNotArchivable() {
        String classPath = System.getProperty("java.class.path");
        boolean jars = Arrays.stream(classPath.split(File.pathSeparator))
                .allMatch(entry -> entry.endsWith(".jar") && Files.isRegularFile(Path.of(entry)));
        return jars ? null : "the JVM archives classes from jar files only, and this class path has other entries: " + classPath;
    }

    /**
     * Runs the pipeline from this JVM's class path against {@code config}'s broker, its topics in
     * place, under a short load (page views, purchases, session ends, bad events), stops it, and
     * checks that it wrote the archive.
     *
     * @param work a directory for the run's state and log
     */
    public static void make(ScoringConfig config, Path modelDir, List<DatasetRow> rows, Path archive, Path work) throws InterruptedException {
        String why = whyNotArchivable();
        if (why != null) {
            throw new IllegalStateException("cannot make a class-data archive: " + why);
        }
        Path log = work.resolve(APPLICATION_ID + ".log");
        try {
            Files.deleteIfExists(archive);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot replace " + archive, e);
        }
        int port = TargetProcess.freePort();
        try (TargetProcess process = TargetProcess.start(List.of("-XX:ArchiveClassesAtExit=" + archive.toAbsolutePath()),
                List.of(TargetProcess.PIPELINE_MAIN, "run"),
                TargetProcess.pipelineEnvironment(config, APPLICATION_ID, work.resolve(APPLICATION_ID), modelDir, port), log)) {
            process.awaitReady(port, TargetProcess.READY_TIMEOUT);
            new LoadGenerator(config.clientProperties(), rows, config.get(ScoringConfig.SPECIAL_DAYS),
                    new LoadGenerator.Settings(RATE, LOAD, Duration.ZERO, SHOPS, 0.01, 1, SPEED_UP, Duration.ofSeconds(30)))
                    .run(progress -> { }, LOAD);
            process.requireAlive();
        }
        // Closed: stopped by SIGTERM, as Kubernetes stops a pod; the JVM writes the archive on its way out.
        if (!Files.isRegularFile(archive)) {
            throw new IllegalStateException("the training run wrote no class-data archive at " + archive + "; see " + log);
        }
    }
}
