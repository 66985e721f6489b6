package com.shopintent.scoring.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.shopintent.scoring.Await;
import com.shopintent.scoring.config.ScoringConfig;
import com.shopintent.scoring.metrics.ScoringMetrics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScoringAppTest {

    @TempDir
    Path state;

    /**
     * No broker at the address: the start waits in Kafka Streams' restore of the global store, holding the
     * monitor that KafkaStreams#close takes. A SIGTERM then (the shutdown hook's close) must not wait for it.
     */
    @Test
    void shouldCloseAtOnceWhileTheStartStillWaitsForTheBroker() throws Exception {
        ScoringConfig config = ScoringConfig.defaults().with(Map.of("SCORING_BOOTSTRAP_SERVERS", "127.0.0.1:1",
                "SCORING_STATE_DIR", state.toString(), "SCORING_APPLICATION_ID", "scoring-app-test"));
        ScoringApp app = new ScoringApp(config, () -> {
            throw new IllegalStateException("nothing is scored in this test");
        }, ScoringMetrics.inMemory());
        Thread starting = new Thread(app::startPaused, "starting");
        starting.setDaemon(true);
        starting.start();
        Await.until(Duration.ofSeconds(30), () -> app.state() == KafkaStreams.State.REBALANCING, () -> "state " + app.state());

        CompletableFuture<Void> closed = CompletableFuture.runAsync(app::close);

        closed.get(10, TimeUnit.SECONDS);
        assertThat(starting.isAlive()).as("the start is still waiting for the broker").isTrue();
    }

    @Test
    void shouldStopWaitingForAFailedApplicationAfterTheGrace() throws Exception {
        CountDownLatch stopped = new CountDownLatch(1);
        AtomicBoolean failed = new AtomicBoolean();
        CompletableFuture<Boolean> waiting = CompletableFuture.supplyAsync(() -> awaitStop(stopped, failed, Duration.ofMillis(200)));

        assertThatThrownBy(() -> waiting.get(300, TimeUnit.MILLISECONDS)).as("neither stopped nor failed: still waiting")
                .isInstanceOf(TimeoutException.class);
        failed.set(true);

        // Never stopped (its other thread waits in a rebalance): the wait ends at the grace, as a failure.
        assertThat(waiting.get(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void shouldReportAStopWithoutAFailureAsClean() throws Exception {
        CountDownLatch stopped = new CountDownLatch(1);
        CompletableFuture<Boolean> waiting = CompletableFuture.supplyAsync(() -> awaitStop(stopped, new AtomicBoolean(), Duration.ofSeconds(60)));

        stopped.countDown();

        assertThat(waiting.get(10, TimeUnit.SECONDS)).isFalse();
    }

    private static boolean awaitStop(CountDownLatch stopped, AtomicBoolean failed, Duration grace) {
        try {
            return ScoringApp.awaitStop(stopped, failed::get, grace);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
