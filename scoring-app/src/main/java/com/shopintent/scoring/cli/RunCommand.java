package com.shopintent.scoring.cli;

import com.shopintent.scoring.config.ScoringConfig;
import com.shopintent.scoring.lifecycle.ControlTopicFollower;
import com.shopintent.scoring.lifecycle.ModelRegistry;
import com.shopintent.scoring.lifecycle.PackageDirectoryWatcher;
import com.shopintent.scoring.lifecycle.PackageFetcher;
import com.shopintent.scoring.metrics.ScoringMetrics;
import com.shopintent.scoring.model.ActiveModels;
import com.shopintent.scoring.model.ModelPackage;
import com.shopintent.scoring.model.ScoringModel;
import com.shopintent.scoring.runtime.HttpEndpoints;
import com.shopintent.scoring.runtime.Readiness;
import com.shopintent.scoring.runtime.ScoringApp;
import com.shopintent.scoring.runtime.TopicPlan;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code run}: the production entry point, against the cluster the configuration names. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run the scoring application against a Kafka cluster until stopped (SIGTERM or Ctrl-C).",
            "Every setting is an environment variable SCORING_<NAME> or the flag below; any Kafka client or",
            "Streams property passes through as SCORING_KAFKA_<PROPERTY> (dots as underscores)."})
final class RunCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);
    /** Longest wait for the control topic at start; a cluster that slow fails the start rather than serving stale models. */
    private static final Duration CATCH_UP_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration WATCH_INTERVAL = Duration.ofSeconds(2);

    @Option(names = "--create-topics", description = "create the product's missing topics first (as 'topics apply' does)")
    boolean createTopics;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        long started = System.nanoTime();
        ScoringConfig config = SettingOptions.config(spec, System.getenv(), Map.of());
        LOG.info("Starting with settings:\n{}", config.describe());
        if (config.get(ScoringConfig.MODEL_DIR) == null) {
            throw new IllegalArgumentException("SCORING_MODEL_DIR (--model-dir) is required: a model package written by ./scoring train");
        }
        ScoringMetrics metrics = ScoringMetrics.prometheus();
        Readiness readiness = new Readiness();
        metrics.readiness(readiness::ready);
        // Up first, so that liveness holds and readiness says what the start is waiting for.
        try (HttpEndpoints http = new HttpEndpoints(new InetSocketAddress(config.get(ScoringConfig.HTTP_PORT)), readiness, metrics).start()) {
            LOG.info("/health, /ready and /metrics on port {}", http.port());
            if (createTopics) {
                readiness.step("creating topics");
                try (Admin admin = Admin.create(config.clientProperties())) {
                    TopicPlan.Result result = new TopicPlan(config).apply(admin);
                    LOG.info("Topics created: {}; already there: {}", result.created(), result.existing());
                    result.warnings().forEach(LOG::warn);
                }
            }
            LoadedModels models = new LoadedModels();
            ScoringApp app = new ScoringApp(config, models, metrics);
            readiness.serving(app);
            Thread hook = new Thread(() -> {
                LOG.info("Stopping: committing and leaving the group");
                app.close();
            }, "scoring-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            // Kafka Streams joins its group (seconds for a new application, which creates its internal
            // topics then) while the model loads; no record is processed before the model is in place.
            app.startPaused();
            try {
                ScoringModel model = ModelPackage.load(config.get(ScoringConfig.MODEL_DIR));
                model.warmUp(ScoringModel.WARM_UP_ROWS);
                LOG.info("Loaded and warmed model {} (origin: {}) in {} ms", model.version(), model.metadata().origin(),
                        (System.nanoTime() - started) / 1_000_000);
                ModelRegistry registry = new ModelRegistry(model, new PackageFetcher(config.modelPackagesDir()), metrics);
                try (ControlTopicFollower follower = new ControlTopicFollower(config.clientProperties(),
                             config.get(ScoringConfig.APPLICATION_ID) + "-models", registry);
                     PackageDirectoryWatcher watcher = config.get(ScoringConfig.MODEL_WATCH_DIR) == null ? null
                             : new PackageDirectoryWatcher(config.get(ScoringConfig.MODEL_WATCH_DIR), registry)) {
                    // Announced models first: an instance started after a swap serves the new model from its first event.
                    follower.catchUp(CATCH_UP_TIMEOUT);
                    if (watcher != null) {
                        watcher.start(WATCH_INTERVAL);
                    }
                    follower.start();
                    models.serve(registry);
                    app.resume();
                    return serveUntilStopped(app, started);
                }
            } catch (RuntimeException e) {
                // Nothing was processed (paused): stop Kafka Streams, and the start fails with the cause.
                Runtime.getRuntime().removeShutdownHook(hook);
                app.close();
                throw e;
            }
        }
    }

    private static int serveUntilStopped(ScoringApp app, long started) throws InterruptedException {
        if (app.awaitRunning(CATCH_UP_TIMEOUT)) {
            LOG.info("Ready: serving {} ({} ms after start)", app.models().get().champion().version(),
                    (System.nanoTime() - started) / 1_000_000);
        }
        boolean failed = app.awaitStop();
        if (failed) {
            LOG.error("Kafka Streams stopped in state ERROR");
            return 1;
        }
        return 0;
    }

    /**
     * The models once loaded. Kafka Streams runs paused until then ({@link ScoringApp#startPaused}),
     * so no record asks before; one that did would be a bug, and fails loudly.
     */
    private static final class LoadedModels implements Supplier<ActiveModels> {

        private volatile ModelRegistry registry;

        void serve(ModelRegistry loaded) {
            registry = loaded;
        }

        @Override
        public ActiveModels get() {
            ModelRegistry loaded = registry;
            if (loaded == null) {
                throw new IllegalStateException("no model loaded yet: Kafka Streams must stay paused until one is");
            }
            return loaded.get();
        }
    }
}
