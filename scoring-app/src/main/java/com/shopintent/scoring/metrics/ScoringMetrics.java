package com.shopintent.scoring.metrics;

import com.shopintent.scoring.events.EventType;
import com.shopintent.scoring.events.RejectReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
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

    public static final String TAG_TYPE = "type";
    public static final String TAG_REASON = "reason";
    public static final String TAG_CLOSED_BY = "closed_by";
    public static final String TAG_MODEL_VERSION = "model_version";
    public static final String TAG_STATUS = "status";
    public static final String TAG_TIER = "tier";
    public static final String TAG_ROLE = "role";
    public static final String TIER_LOCAL = "local";
    public static final String TIER_REDIS = "redis";

    private final MeterRegistry registry;
    private final Map<EventType, Counter> eventsIn = new EnumMap<>(EventType.class);
    private final Map<RejectReason, Counter> deadLetters = new EnumMap<>(RejectReason.class);
    private final Counter enrichmentMisses;
    private final Counter lateEvents;
    private final Counter sessionsStarted;
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

    public void sessionStarted() {
        sessionsStarted.increment();
    }

    /** Sessions started and not yet closed by this instance since it started. */
    public long openSessions() {
        double closed = registry.find(SESSIONS_CLOSED).counters().stream().mapToDouble(Counter::count).sum();
        return (long) (sessionsStarted.count() - closed);
    }

    public void sessionClosed(String closedBy) {
        Counter.builder(SESSIONS_CLOSED).description("Sessions closed, by what closed them")
                .tag(TAG_CLOSED_BY, closedBy).register(registry).increment();
    }

    /** The meters of one model version. */
    public ModelMeters model(String version) {
        return modelMeters.computeIfAbsent(version, v -> new ModelMeters(
                Counter.builder(PREDICTION_REQUESTS).description("Predictions, by model version and outcome")
                        .tag(TAG_MODEL_VERSION, v).tag(TAG_STATUS, "success").register(registry),
                Counter.builder(PREDICTION_REQUESTS).tag(TAG_MODEL_VERSION, v).tag(TAG_STATUS, "error").register(registry),
                Timer.builder(PREDICTION_DURATION).description("Time to score one event").tag(TAG_MODEL_VERSION, v)
                        .register(registry)));
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
        Counter.builder(MODEL_SWAPS).description("Model swaps, by the role that changed")
                .tag(TAG_ROLE, role).register(registry).increment();
    }

    /** A model package or announcement was refused; the serving models stayed. */
    public void modelRefused(String reason) {
        Counter.builder(MODEL_REFUSALS).description("Model packages and announcements refused, by reason")
                .tag(TAG_REASON, reason).register(registry).increment();
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
