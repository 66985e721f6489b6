package com.shopintent.scoring.bench;

import com.shopintent.scoring.config.ScoringConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One variant under test as a JVM of its own, started from this program's own class path, so
 * each run starts cold and its memory is its own to measure. Its output goes to a log file.
 */
final class TargetProcess implements AutoCloseable {

    /** The product's own entry point, as deployed: {@code run} starts the pipeline. */
    static final String PIPELINE_MAIN = "com.shopintent.scoring.cli.ScoringCli";
    static final Duration READY_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final long startedNanos;
    private final Path log;
    private final Thread stopOnExit;

    private TargetProcess(Process process, long startedNanos, Path log) {
        this.process = process;
        this.startedNanos = startedNanos;
        this.log = log;
        // A bench stopped by Ctrl-C or SIGTERM exits without closing what it started: the variant would outlive it.
        this.stopOnExit = new Thread(this::stop, "stop-process-" + process.pid());
        Runtime.getRuntime().addShutdownHook(stopOnExit);
    }

    /**
     * @param jvmOptions options of the JVM (heap size among them)
     * @param mainAndArgs the main class and its arguments
     * @param environment added to this process's environment (which the variant inherits, SCORING_* settings included)
     */
    static TargetProcess start(List<String> jvmOptions, List<String> mainAndArgs, Map<String, String> environment, Path log) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.addAll(mainAndArgs);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        long started = System.nanoTime();
        try {
            return new TargetProcess(builder.start(), started, log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    /**
     * The settings that tie a pipeline process to a broker, an application id, a state directory,
     * a model and an HTTP port; the rest it inherits from this process's environment (SCORING_* included).
     */
    static Map<String, String> pipelineEnvironment(ScoringConfig config, String applicationId, Path stateDir, Path modelDir, int httpPort) {
        Map<String, String> env = new HashMap<>();
        env.put("SCORING_BOOTSTRAP_SERVERS", config.get(ScoringConfig.BOOTSTRAP_SERVERS));
        env.put("SCORING_APPLICATION_ID", applicationId);
        env.put("SCORING_STATE_DIR", stateDir.toString());
        env.put("SCORING_MODEL_DIR", modelDir.toString());
        env.put("SCORING_PARTITIONS", Integer.toString(config.get(ScoringConfig.PARTITIONS)));
        env.put("SCORING_REPLICATION_FACTOR", Integer.toString(config.get(ScoringConfig.REPLICATION_FACTOR)));
        env.put("SCORING_HTTP_PORT", Integer.toString(httpPort));
        return env;
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }

    /**
     * Polls the process's /ready until it answers 200; the seconds from its launch, or throws when
     * it exits or the timeout passes.
     */
    double awaitReady(int httpPort, Duration timeout) throws InterruptedException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(200)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/ready"))
                .timeout(Duration.ofMillis(500)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            requireAlive();
            try {
                if (client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return (System.nanoTime() - startedNanos) / 1e9;
                }
            } catch (IOException notYet) {
                // Not listening yet.
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("not ready within " + timeout + "; see " + log);
    }

    void requireAlive() {
        if (!process.isAlive()) {
            throw new IllegalStateException("the process under test exited with " + process.exitValue() + "; see " + log);
        }
    }

    ProcessHandle handle() {
        return process.toHandle();
    }

    /** Resident set size, from /proc (Linux), in MB. */
    double rssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the memory of process " + process.pid(), e);
        }
        throw new IllegalStateException("no VmRSS for process " + process.pid());
    }

    /** SIGTERM, as Kubernetes stops a pod: the variant commits and leaves; killed if it takes too long. */
    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(stopOnExit);
        } catch (IllegalStateException shuttingDown) {
            // The hook is running or about to: it stops the process.
        }
        stop();
    }

    private void stop() {
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
