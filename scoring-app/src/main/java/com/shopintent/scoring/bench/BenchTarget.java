package com.shopintent.scoring.bench;

import com.shopintent.scoring.config.ScoringConfig;
import com.shopintent.scoring.metrics.ScoringMetrics;
import com.shopintent.scoring.model.ActiveModels;
import com.shopintent.scoring.model.ModelPackage;
import com.shopintent.scoring.model.ModelTrainer;
import com.shopintent.scoring.model.ScoringModel;
import com.shopintent.scoring.runtime.ScoringApp;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The benchmark's variants A and C as a process of their own, as the pipeline (variant B, the
 * {@code run} command) is: configured by the same {@code SCORING_*} environment, stopped by
 * SIGTERM.
 * <ul>
 *   <li>{@code passthrough}: {@link PassThroughTopology} with the pipeline's Streams settings;</li>
 *   <li>{@code naive}: the pipeline, with {@link TribuoRowScorer} in place of the product's scorer.</li>
 * </ul>
 */
public final class BenchTarget {

    public static final String PASSTHROUGH = "passthrough";
    public static final String NAIVE = "naive";

    private BenchTarget() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 1 || !(args[0].equals(PASSTHROUGH) || args[0].equals(NAIVE))) {
            throw new IllegalArgumentException("usage: BenchTarget " + PASSTHROUGH + "|" + NAIVE);
        }
        ScoringConfig config = ScoringConfig.from(System.getenv());
        if (args[0].equals(PASSTHROUGH)) {
            runPassThrough(config);
        } else {
            runNaive(config);
        }
    }

    private static void runPassThrough(ScoringConfig config) throws InterruptedException {
        KafkaStreams streams = new KafkaStreams(PassThroughTopology.build(), config.streamsProperties());
        CountDownLatch stopped = new CountDownLatch(1);
        streams.setStateListener((now, before) -> {
            if (now == KafkaStreams.State.NOT_RUNNING || now == KafkaStreams.State.ERROR) {
                stopped.countDown();
            }
        });
        Runtime.getRuntime().addShutdownHook(new Thread(() -> streams.close(ScoringApp.CLOSE_TIMEOUT), "passthrough-shutdown"));
        streams.start();
        stopped.await();
    }

    private static void runNaive(ScoringConfig config) throws InterruptedException {
        Path dir = config.get(ScoringConfig.MODEL_DIR);
        if (dir == null) {
            throw new IllegalArgumentException("SCORING_MODEL_DIR is required");
        }
        ScoringModel trees = ModelPackage.load(dir);
        ScoringModel naive = new ScoringModel(trees.metadata(),
                new TribuoRowScorer(ModelPackage.loadTribuo(dir), trees.metadata().features(), ModelTrainer.PURCHASE.getLabel()));
        ActiveModels models = ActiveModels.of(naive);
        ScoringApp app = new ScoringApp(config, () -> models, ScoringMetrics.inMemory());
        Runtime.getRuntime().addShutdownHook(new Thread(app::close, "naive-shutdown"));
        app.start();
        app.awaitStop();
    }
}
