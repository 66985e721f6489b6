package com.shopintent.scoring.cli;

import com.shopintent.scoring.config.ScoringConfig;
import com.shopintent.scoring.metrics.ScoringMetrics;
import com.shopintent.scoring.model.ModelPackage;
import com.shopintent.scoring.model.ScoringModel;
import com.shopintent.scoring.runtime.ScoringApp;
import com.shopintent.scoring.runtime.TopicPlan;
import java.util.Map;
import java.util.concurrent.Callable;
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
    /** Enough calls for the JIT to compile the scorer (about 20 ms). */
    static final int WARM_UP_ROWS = 20_000;

    @Option(names = "--create-topics", description = "create the product's missing topics first (as 'topics apply' does)")
    boolean createTopics;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        ScoringConfig config = SettingOptions.config(spec, System.getenv(), Map.of());
        LOG.info("Starting with settings:\n{}", config.describe());
        if (config.get(ScoringConfig.MODEL_DIR) == null) {
            throw new IllegalArgumentException("SCORING_MODEL_DIR (--model-dir) is required: a model package written by ./scoring train");
        }
        // The model is loaded and checked before Kafka Streams reads its first record.
        long start = System.nanoTime();
        ScoringModel model = ModelPackage.load(config.get(ScoringConfig.MODEL_DIR));
        model.warmUp(WARM_UP_ROWS);
        LOG.info("Loaded and warmed model {} (held-out AUC {}) in {} ms", model.version(), model.metadata().metrics().auc(),
                (System.nanoTime() - start) / 1_000_000);
        if (createTopics) {
            try (Admin admin = Admin.create(config.clientProperties())) {
                TopicPlan.Result result = new TopicPlan(config).apply(admin);
                LOG.info("Topics created: {}; already there: {}", result.created(), result.existing());
                result.warnings().forEach(LOG::warn);
            }
        }
        ScoringApp app = new ScoringApp(config, () -> model, ScoringMetrics.inMemory());
        Thread hook = new Thread(() -> {
            LOG.info("Stopping: committing and leaving the group");
            app.close();
        }, "scoring-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        app.start();
        boolean failed = app.awaitStop();
        if (failed) {
            LOG.error("Kafka Streams stopped in state ERROR");
            return 1;
        }
        return 0;
    }
}
