package com.shopintent.scoring.metrics;

import com.shopintent.scoring.events.EventType;
import com.shopintent.scoring.events.RejectReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;

/**
 * Every meter of the pipeline, named once. Names are Micrometer's dotted form; Prometheus shows
 * {@code ml.prediction.requests} as {@code ml_prediction_requests_total}. Meters used per event are
 * looked up once and kept, so the hot path does no registry lookup.
 */
public final class ScoringMetrics {

    public static final String EVENTS_IN = "scoring.events.in";
    public static final String DEAD_LETTERS = "scoring.dead.letters";
    public static final String ENRICHMENT_MISSES = "scoring.enrichment.misses";
    public static final String LATE_EVENTS = "scoring.late.events";
    public static final String SESSIONS_STARTED = "scoring.sessions.started";
    public static final String SESSIONS_CLOSED = "scoring.sessions.closed";
    /** Sessions started and not yet closed by this instance. */
    public static final String SESSIONS_OPEN = "scoring.sessions.open";
    /** From an event's own time to its scoring: how far behind the shops the pipeline runs. */
    public static final String EVENT_LAG = "scoring.event.lag";
    /** 1 when this instance is ready to serve (model warmed, Kafka Streams RUNNING), else 0. */
    public static final String READY = "scoring.ready";
    public static final String PREDICTION_REQUESTS = "ml.prediction.requests";
    public static final String PREDICTION_DURATION = "ml.prediction.duration";
    public static final String CACHE_REQUESTS = "ml.cache.requests";
    public static final String CACHE_HITS = "ml.cache.hits";
    public static final String CACHE_MISSES = "ml.cache.misses";
    public static final String CACHE_ERRORS = "ml.cache.errors";
    /** Circuit state of a cache tier: 0 closed, 1 open, 2 half-open. */
    public static final String CACHE_CIRCUIT_STATE = "ml.cache.circuit.state";
    /** Distinct model versions serving (champion, and challenger when there is one). */
    public static final String ACTIVE_MODELS = "ml.active.models";
    public static final String MODEL_SWAPS = "scoring.model.swaps";
    public static final String MODEL_REFUSALS = "scoring.model.refusals";
    /** Events scored whose {@code traceparent} header was invalid, so their predictions carry no trace headers. */
    public static final String INVALID_TRACE_CONTEXT = "scoring.trace.context.invalid";

    public static final String TAG_TYPE = "type";
    public static final String TAG_REASON = "reason";
    public static final String TAG_CLOSED_BY = "closed_by";
    public static final String TAG_MODEL_VERSION = "model_version";
    public static final String TAG_STATUS = "status";
    public static final String TAG_TIER = "tier";
    public static final String TAG_ROLE = "role";
    public static final String TIER_LOCAL = "local";
    public static final String TIER_REDIS = "redis";

    /** Kafka Streams' meter that {@link #prometheus()} leaves out. */
    public static final String KAFKA_NUMBER_OPEN_FILES = "kafka.stream.state.number.open.files";

    private final MeterRegistry registry;
    private final Map<EventType, Counter> eventsIn = new EnumMap<>(EventType.class);
    private final Map<RejectReason, Counter> deadLetters = new EnumMap<>(RejectReason.class);
    private final Counter enrichmentMisses;
    private final Counter lateEvents;
    private final Counter sessionsStarted;
    private final Timer eventLag;
    private final Counter invalidTraceContext;
    private final Map<String, ModelMeters> modelMeters = new ConcurrentHashMap<>();
    private final Map<String, CacheMeters> cacheMeters = new ConcurrentHashMap<>();

    public ScoringMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (EventType type : EventType.values()) {
            eventsIn.put(type, Counter.builder(EVENTS_IN).description("Valid events read, by type")
                    .tag(TAG_TYPE, type.wireName()).register(registry));
        }
        for (RejectReason reason : RejectReason.values()) {
            deadLetters.put(reason, Counter.builder(DEAD_LETTERS).description("Records sent to the dead-letter topic, by reason")
                    .tag(TAG_REASON, reason.code()).register(registry));
        }
        enrichmentMisses = Counter.builder(ENRICHMENT_MISSES).description("Page views of pages without statistics")
                .register(registry);
        lateEvents = Counter.builder(LATE_EVENTS).description("Events older than their session's last event")
                .register(registry);
        sessionsStarted = Counter.builder(SESSIONS_STARTED).description("Sessions started").register(registry);
        Gauge.builder(SESSIONS_OPEN, this, ScoringMetrics::openSessions)
                .description("Sessions started and not yet closed by this instance since it started").register(registry);
        eventLag = Timer.builder(EVENT_LAG).description("From an event's own time to its scoring")
                .serviceLevelObjectives(LAG_BUCKETS).register(registry);
        invalidTraceContext = Counter.builder(INVALID_TRACE_CONTEXT)
                .description("Events scored whose traceparent header was invalid and not carried to their prediction")
                .register(registry);
    }

    /** Scoring time buckets: microseconds (a tree walk) to a second (a stalled cache). */
    private static final Duration[] DURATION_BUCKETS = durations(
            1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000, 200_000, 500_000,
            1_000_000, 2_000_000, 5_000_000, 10_000_000, 50_000_000, 100_000_000, 250_000_000, 1_000_000_000);
    /** Lag buckets: the targets (p95 120 ms, p99 250 ms) resolved, then seconds to an hour for a backlog. */
    private static final Duration[] LAG_BUCKETS = durations(
            5_000_000, 10_000_000, 25_000_000, 50_000_000, 100_000_000, 120_000_000, 250_000_000, 500_000_000,
            1_000_000_000L, 2_500_000_000L, 5_000_000_000L, 10_000_000_000L, 30_000_000_000L, 60_000_000_000L,
            300_000_000_000L, 3_600_000_000_000L);

    private static Duration[] durations(long... nanos) {
        return java.util.Arrays.stream(nanos).mapToObj(Duration::ofNanos).toArray(Duration[]::new);
    }

    /**
     * Meters for {@code /metrics}: a Prometheus registry with the JVM's and the process's meters
     * bound (memory, GC, threads, classes, CPU, uptime, file descriptors).
     */
    public static ScoringMetrics prometheus() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        // Kafka Streams 4.x reports RocksDB's deprecated number-open-files (recorded when an operator
        // sets metrics.recording.level to DEBUG) as -1: a counter below zero, which fails the whole
        // Prometheus scrape (KAFKA-18495).
        registry.config().meterFilter(MeterFilter.deny(id -> id.getName().equals(KAFKA_NUMBER_OPEN_FILES)));
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        // Its notification listeners live as long as the JVM, as the registry does.
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        return new ScoringMetrics(registry);
    }

    /** The Prometheus text format of every meter; only for {@link #prometheus()} meters. */
    public String scrape() {
        return prometheusRegistry().scrape();
    }

    /** Writes the Prometheus text format of every meter to {@code out}, in UTF-8; only for {@link #prometheus()} meters. */
    public void scrape(ByteArrayOutputStream out) {
        try {
            prometheusRegistry().scrape(out);
        } catch (IOException e) {
            throw new UncheckedIOException("a byte array stream does not fail", e);
        }
    }

    private PrometheusMeterRegistry prometheusRegistry() {
        if (!(registry instanceof PrometheusMeterRegistry prometheus)) {
            throw new IllegalStateException("these meters are not kept for Prometheus");
        }
        return prometheus;
    }

    /** Publishes whether this instance is ready, as 1 or 0. */
    public void readiness(java.util.function.BooleanSupplier ready) {
        Gauge.builder(READY, ready, r -> r.getAsBoolean() ? 1 : 0)
                .description("1 when this instance is ready to serve: model warmed, Kafka Streams RUNNING")
                .strongReference(true).register(registry);
    }

    /** Records how long after its own time an event was scored; an event from the future counts as no lag. */
    public void eventLag(long millis) {
        eventLag.record(Math.max(0, millis), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /** Meters kept in memory only, for tests and offline commands. */
    public static ScoringMetrics inMemory() {
        return new ScoringMetrics(new SimpleMeterRegistry());
    }

    public MeterRegistry registry() {
        return registry;
    }

    public void eventIn(EventType type) {
        eventsIn.get(type).increment();
    }

    public void deadLetter(RejectReason reason) {
        deadLetters.get(reason).increment();
    }

    public void enrichmentMiss() {
        enrichmentMisses.increment();
    }

    public void lateEvent() {
        lateEvents.increment();
    }

    public void invalidTraceContext() {
        invalidTraceContext.increment();
    }

    public void sessionStarted() {
        sessionsStarted.increment();
    }

    /** Sessions started and not yet closed by this instance since it started. */
    public long openSessions() {
        double closed = registry.find(SESSIONS_CLOSED).counters().stream().mapToDouble(Counter::count).sum();
        return (long) (sessionsStarted.count() - closed);
    }

    public void sessionClosed(String closedBy) {
        sessionsClosed(closedBy).increment();
    }

    /**
     * Registers the session-close counters at 0, so that a dashboard or alert shows 0 rather than
     * no data before the first close. Likewise {@link #declareModelOutcomes}.
     */
    public void declareSessionClosers(String... closedBy) {
        for (String by : closedBy) {
            sessionsClosed(by);
        }
    }

    private Counter sessionsClosed(String closedBy) {
        return Counter.builder(SESSIONS_CLOSED).description("Sessions closed, by what closed them")
                .tag(TAG_CLOSED_BY, closedBy).register(registry);
    }

    /** The meters of one model version. */
    public ModelMeters model(String version) {
        return modelMeters.computeIfAbsent(version, v -> new ModelMeters(
                Counter.builder(PREDICTION_REQUESTS).description("Predictions, by model version and outcome")
                        .tag(TAG_MODEL_VERSION, v).tag(TAG_STATUS, "success").register(registry),
                Counter.builder(PREDICTION_REQUESTS).tag(TAG_MODEL_VERSION, v).tag(TAG_STATUS, "error").register(registry),
                Timer.builder(PREDICTION_DURATION).description("Time to score one event").tag(TAG_MODEL_VERSION, v)
                        .serviceLevelObjectives(DURATION_BUCKETS).register(registry)));
    }

    /** The cache meters of one model version, for both tiers. */
    public CacheMeters cache(String version) {
        return cacheMeters.computeIfAbsent(version, v -> new CacheMeters(tierMeters(TIER_LOCAL, v), tierMeters(TIER_REDIS, v)));
    }

    private TierMeters tierMeters(String tier, String version) {
        return new TierMeters(
                Counter.builder(CACHE_REQUESTS).description("Cache lookups, by tier and model version")
                        .tag(TAG_TIER, tier).tag(TAG_MODEL_VERSION, version).register(registry),
                Counter.builder(CACHE_HITS).description("Cache lookups that found the score, by tier and model version")
                        .tag(TAG_TIER, tier).tag(TAG_MODEL_VERSION, version).register(registry),
                Counter.builder(CACHE_MISSES).description("Cache lookups that did not find the score, by tier and model version")
                        .tag(TAG_TIER, tier).tag(TAG_MODEL_VERSION, version).register(registry),
                Counter.builder(CACHE_ERRORS).description("Cache lookups that failed or timed out, by tier and model version")
                        .tag(TAG_TIER, tier).tag(TAG_MODEL_VERSION, version).register(registry));
    }

    /** A tier's counts summed over model versions, for reports (a registry search: not per event). */
    public CacheTotals cacheTotals(String tier) {
        return new CacheTotals(sum(CACHE_REQUESTS, tier), sum(CACHE_HITS, tier), sum(CACHE_MISSES, tier), sum(CACHE_ERRORS, tier));
    }

    private double sum(String name, String tier) {
        return registry.find(name).tag(TAG_TIER, tier).counters().stream().mapToDouble(Counter::count).sum();
    }

    /** Publishes a tier's circuit state (0 closed, 1 open, 2 half-open) as a gauge. */
    public void cacheCircuitState(String tier, IntSupplier state) {
        // A gauge holds its object weakly; the supplier is a lambda nobody else holds, so without a
        // strong reference the gauge reads NaN after the next garbage collection.
        Gauge.builder(CACHE_CIRCUIT_STATE, state, s -> s.getAsInt())
                .description("Circuit breaker of a cache tier: 0 closed, 1 open, 2 half-open")
                .tag(TAG_TIER, tier).strongReference(true).register(registry);
    }

    /** A model took a role (champion or challenger), or a challenger was retired ({@code retired}). */
    public void modelSwap(String role) {
        modelSwaps(role).increment();
    }

    /** A model package or announcement was refused; the serving models stayed. */
    public void modelRefused(String reason) {
        modelRefusals(reason).increment();
    }

    /** Registers the swap and refusal counters at 0 (see {@link #declareSessionClosers}). */
    public void declareModelOutcomes(java.util.Collection<String> roles, java.util.Collection<String> reasons) {
        roles.forEach(this::modelSwaps);
        reasons.forEach(this::modelRefusals);
    }

    private Counter modelSwaps(String role) {
        return Counter.builder(MODEL_SWAPS).description("Model swaps, by the role that changed")
                .tag(TAG_ROLE, role).register(registry);
    }

    private Counter modelRefusals(String reason) {
        return Counter.builder(MODEL_REFUSALS).description("Model packages and announcements refused, by reason")
                .tag(TAG_REASON, reason).register(registry);
    }

    /** Publishes how many model versions serve. */
    public void activeModels(IntSupplier count) {
        Gauge.builder(ACTIVE_MODELS, count, c -> c.getAsInt())
                .description("Distinct model versions serving: the champion, and a challenger when there is one")
                .strongReference(true).register(registry);
    }

    /** Success and error counts and the scoring time of one model version. */
    public record ModelMeters(Counter success, Counter error, Timer duration) {
    }

    /** The cache meters of one model version. */
    public record CacheMeters(TierMeters local, TierMeters redis) {
    }

    /** Counts of one cache tier over all model versions. */
    public record CacheTotals(double requests, double hits, double misses, double errors) {
    }

    /** Requests, hits, misses and errors of one cache tier. */
    public record TierMeters(Counter requests, Counter hits, Counter misses, Counter errors) {
    }
}
