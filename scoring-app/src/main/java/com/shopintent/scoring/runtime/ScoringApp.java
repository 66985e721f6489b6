package com.shopintent.scoring.runtime;

import com.shopintent.scoring.cache.PredictionCache;
import com.shopintent.scoring.config.ScoringConfig;
import com.shopintent.scoring.metrics.ScoringMetrics;
import com.shopintent.scoring.model.ActiveModels;
import com.shopintent.scoring.topology.ScoringTopology;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scoring topology running against a Kafka cluster: builds it, starts it, and closes it
 * cleanly (commit, leave the group) within a bounded time. The model is loaded by the caller
 * before the first record.
 */
public final class ScoringApp implements Readiness.Status, AutoCloseable {

    /** How long a close may take before it gives up; below Kubernetes' default 30 s grace period. */
    public static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(20);
    /**
     * How long Kafka Streams gets to close itself after a stream thread failed, before the process
     * stops waiting for it. Its other threads finish a rebalance in progress first, and with static
     * membership that rebalance waits for the failed thread's member until the group's session
     * timeout (45 s by default): the disk-full test saw 45 s between the failure and ERROR. What
     * those threads have not committed is aborted with its transaction (exactly-once) or done
     * again (at-least-once) by whichever instance takes the partitions over.
     */
    static final Duration FAILED_STOP_TIMEOUT = Duration.ofSeconds(5);
    /**
     * How often the meters of Kafka's clients are matched to the metrics the clients have now. A
     * partition's metrics (its consumer lag among them) exist only once it is assigned, and move
     * with every rebalance; Micrometer's default of 60 s left the lag of shop.events unseen for the
     * first minute after a start or a rebalance.
     */
    static final Duration KAFKA_METERS_REFRESH = Duration.ofSeconds(10);
    private static final Logger LOG = LoggerFactory.getLogger(ScoringApp.class);

    /** How long the check for static members left in the group after a close may take. */
    private static final Duration LEFT_BEHIND_TIMEOUT = Duration.ofSeconds(5);

    private final ScoringConfig config;
    private final KafkaStreams streams;
    private final Supplier<ActiveModels> models;
    private final ScoringMetrics metrics;
    private final PredictionCache cache;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final ScheduledExecutorService kafkaMetersRefresh = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "kafka-meters-refresh");
        thread.setDaemon(true);
        return thread;
    });
    private final KafkaStreamsMetrics streamsMetrics;
    private volatile boolean closing;
    /** Set once {@link KafkaStreams#start} has returned; see {@link #close}. */
    private volatile boolean started;
    /** What made a stream thread fail, for {@link #failure()}; null while none has. */
    private volatile Throwable threadFailure;

    public ScoringApp(ScoringConfig config, Supplier<ActiveModels> models, ScoringMetrics metrics) {
        this.config = config;
        this.models = models;
        this.metrics = metrics;
        this.cache = PredictionCache.fromConfig(config, metrics);
        this.streams = new KafkaStreams(ScoringTopology.build(config, models, cache, metrics), config.streamsProperties());
        // Kafka Streams' own meters and its clients' (consumer lag per partition among them).
        this.streamsMetrics = new KafkaStreamsMetrics(streams, Tags.empty(), kafkaMetersRefresh, KAFKA_METERS_REFRESH);
        streamsMetrics.bindTo(metrics.registry());
        // Bad input never reaches here (it goes to the dead-letter topic); what does is a fault of
        // the cluster or of this program, which a restart of the process is the answer to.
        streams.setUncaughtExceptionHandler(exception -> {
            threadFailure = exception;
            LOG.error("Stream thread failed; shutting the application down so it can be restarted", exception);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        streams.setStateListener((now, before) -> {
            LOG.info("Kafka Streams state {} -> {}", before, now);
            if (now == KafkaStreams.State.NOT_RUNNING || now == KafkaStreams.State.ERROR) {
                stopped.countDown();
            }
        });
    }

    public void start() {
        streams.start();
        started = true;
    }

    /**
     * Starts Kafka Streams with processing paused: it joins its group and gets its partitions (which
     * takes seconds for a new application, whose internal topics are created then) while the caller
     * loads the model; no record is processed, and no state restored, until {@link #resume}. The
     * models' supplier is not asked before then.
     */
    public void startPaused() {
        streams.pause();
        streams.start();
        started = true;
    }

    /** Lets records through after {@link #startPaused}, once the models are in place. */
    public void resume() {
        streams.resume();
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    public KafkaStreams streams() {
        return streams;
    }

    /** The models serving now. */
    public Supplier<ActiveModels> models() {
        return models;
    }

    /**
     * Why this instance should not receive traffic yet, or empty when it is ready: Kafka Streams is
     * RUNNING and not paused (it is paused from {@link #startPaused} until the model is loaded,
     * verified and warmed).
     */
    @Override
    public java.util.Optional<String> notReadyReason() {
        // Paused first: a paused instance does not restore state, so it stays REBALANCING after joining.
        if (streams.isPaused()) {
            return java.util.Optional.of("processing is paused until the model is loaded");
        }
        KafkaStreams.State state = streams.state();
        return state == KafkaStreams.State.RUNNING ? java.util.Optional.empty()
                : java.util.Optional.of("Kafka Streams is " + state + ", not RUNNING");
    }

    /**
     * Why this application needs a restart: Kafka Streams failed (with what made its stream thread
     * fail, so /health names the cause), or stopped without being asked to.
     */
    @Override
    public java.util.Optional<String> failure() {
        KafkaStreams.State state = streams.state();
        if (state == KafkaStreams.State.ERROR) {
            Throwable cause = threadFailure;
            return java.util.Optional.of("Kafka Streams is in ERROR" + (cause == null ? "" : ": " + describe(cause)));
        }
        if (state == KafkaStreams.State.NOT_RUNNING && !closing) {
            return java.util.Optional.of("Kafka Streams stopped without being asked to");
        }
        return java.util.Optional.empty();
    }

    /** The innermost message of an exception chain: Kafka Streams wraps the cause that says what went wrong. */
    private static String describe(Throwable failure) {
        Throwable innermost = failure;
        while (innermost.getCause() != null && innermost.getCause() != innermost) {
            innermost = innermost.getCause();
        }
        return innermost.getMessage() == null ? innermost.toString() : innermost.getMessage();
    }

    public ScoringMetrics metrics() {
        return metrics;
    }

    /** The prediction cache of this application (off unless {@link ScoringConfig#CACHE} says on). */
    public PredictionCache cache() {
        return cache;
    }

    /** Waits until the application is RUNNING; false when the deadline passed, it stopped or a stream thread failed. */
    public boolean awaitRunning(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            KafkaStreams.State state = streams.state();
            if (state == KafkaStreams.State.RUNNING) {
                return true;
            }
            if (state == KafkaStreams.State.ERROR || state == KafkaStreams.State.NOT_RUNNING || threadFailure != null) {
                return false;
            }
            stopped.await(50, TimeUnit.MILLISECONDS);
        }
        return false;
    }

    /**
     * Blocks until the application stopped (closed, or failed); true when it failed. After a stream
     * thread's failure it waits at most {@link #FAILED_STOP_TIMEOUT} more.
     */
    public boolean awaitStop() throws InterruptedException {
        return awaitStop(stopped, () -> threadFailure != null, FAILED_STOP_TIMEOUT)
                || streams.state() == KafkaStreams.State.ERROR;
    }

    /** @return true when {@code failed} became true, whether or not {@code stopped} came within {@code grace} of it */
    static boolean awaitStop(CountDownLatch stopped, BooleanSupplier failed, Duration grace)
            throws InterruptedException {
        while (!stopped.await(50, TimeUnit.MILLISECONDS)) {
            if (failed.getAsBoolean()) {
                if (!stopped.await(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                    LOG.warn("Kafka Streams has not stopped {} after a stream thread failed (its other threads finish "
                            + "a rebalance first); not waiting for it any longer", grace);
                }
                return true;
            }
        }
        return failed.getAsBoolean();
    }

    /**
     * Commits, leaves the group and closes, waiting at most {@link #CLOSE_TIMEOUT}; after a stream
     * thread's failure, when Kafka Streams is closing itself, at most {@link #FAILED_STOP_TIMEOUT}.
     */
    @Override
    public void close() {
        closing = true;
        if (started) {
            Duration timeout = threadFailure != null ? FAILED_STOP_TIMEOUT : CLOSE_TIMEOUT;
            boolean clean = streams.close(new KafkaStreams.CloseOptions().leaveGroup(true).timeout(timeout));
            if (!clean) {
                LOG.warn("Kafka Streams did not close within {}", timeout);
            }
            removeStaticMembersLeftBehind();
        } else {
            // KafkaStreams#start holds the monitor KafkaStreams#close waits for, until the global store is
            // restored: minutes when the broker is gone, and a SIGTERM during a start would hang until
            // then. Nothing was committed before start returns (startPaused processes nothing at all).
            LOG.warn("Closing before Kafka Streams finished starting: its threads stop with the process");
        }
        // After the stream threads: none of them uses the Redis connection any more.
        cache.close();
        streamsMetrics.close();
        kafkaMetersRefresh.shutdownNow();
        stopped.countDown();
    }

    /** See {@link StaticMembers}: a close that asked to leave the group did not always remove every thread's member. */
    private void removeStaticMembersLeftBehind() {
        String instanceId = config.get(ScoringConfig.INSTANCE_ID);
        if (instanceId == null) {
            return;
        }
        try (Admin admin = Admin.create(config.clientProperties())) {
            List<String> removed = StaticMembers.removeLeftBehind(admin, config.get(ScoringConfig.APPLICATION_ID), instanceId,
                    LEFT_BEHIND_TIMEOUT);
            if (!removed.isEmpty()) {
                LOG.warn("Kafka Streams' close left {} in the group; removed them", removed);
            }
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            LOG.warn("Could not check the group for members this instance left behind; any leave it at the session timeout", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
