package com.shopintent.scoring.runtime;

import com.shopintent.scoring.cli.ScoringCli;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The scoring application as production runs it, {@code ScoringCli run} configured by {@code SCORING_*}
 * environment variables, in a JVM of its own so that a test can kill it with SIGKILL: no shutdown hook, no
 * commit, no leaving the group. Its output (both streams, every start) goes to one file, whose last lines
 * {@link #outputTail()} gives for assertion messages.
 */
final class ScoringProcess implements AutoCloseable {

    private static final String MAIN_CLASS = ScoringCli.class.getName();
    private static final List<String> JVM_OPTIONS = List.of("-Xmx512m", "-XX:+ExitOnOutOfMemoryError");
    /** Options meant for the test JVM (a debug agent, a heap size) must not reach the application's. */
    private static final List<String> JVM_OPTION_VARIABLES = List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS");
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(30);
    private static final int TAIL_LINES = 40;

    private final Map<String, String> environment;
    private final Path output;
    private Process process;

    /** @param environment the {@code SCORING_*} settings; the test JVM's own {@code SCORING_*} variables are not passed on */
    ScoringProcess(Map<String, String> environment, Path output) {
        this.environment = Map.copyOf(environment);
        this.output = output;
    }

    /** Starts the application; returns at once, before it has loaded its model or joined its group. */
    void start() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("the scoring process (pid " + process.pid() + ") is already running");
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JVM_OPTIONS);
        // No -Dlogback.configurationFile: main chooses the application's own configuration by SCORING_LOG_FORMAT,
        // over the tests' logback-test.xml that is first on the class path.
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(MAIN_CLASS);
        command.add("run");
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(Redirect.appendTo(output.toFile()));
        builder.environment().keySet().removeIf(name -> name.startsWith("SCORING_") || JVM_OPTION_VARIABLES.contains(name));
        builder.environment().putAll(environment);
        try {
            Files.writeString(output, "---- " + Instant.now() + " starting " + MAIN_CLASS + " run\n",
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start " + MAIN_CLASS + " run in a child JVM", e);
        }
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** Waits for the process to end by itself; its exit code. */
    int awaitExit() {
        return waitForExit();
    }

    /** SIGKILL, as in a crash or an OOM kill, and waits until the process is gone. */
    void kill() {
        if (isAlive()) {
            process.destroyForcibly();
            waitForExit();
        }
    }

    /** The last lines the application wrote, for assertion messages. */
    String outputTail() {
        try {
            List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
            return "last lines of " + output + ":\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size()));
        } catch (IOException e) {
            return "(could not read " + output + ": " + e + ")";
        }
    }

    @Override
    public void close() {
        kill();
    }

    private int waitForExit() {
        try {
            if (!process.waitFor(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("The scoring process (pid " + process.pid() + ") did not exit within " + EXIT_TIMEOUT
                        + "; " + outputTail());
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("Interrupted while waiting for the scoring process to exit", e);
        }
    }
}
