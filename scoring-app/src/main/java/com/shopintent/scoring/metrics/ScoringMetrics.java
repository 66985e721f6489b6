package com.shopintent.scoring.metrics;

import com.shopintent.scoring.events.EventType;
import com.shopintent.scoring.events.RejectReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

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

    public static final String TAG_TYPE = "type";
    public static final String TAG_REASON = "reason";
    public static final String TAG_CLOSED_BY = "closed_by";
    public static final String TAG_MODEL_VERSION = "model_version";
    public static final String TAG_STATUS = "status";

    private final MeterRegistry registry;
    private final Map<EventType, Counter> eventsIn = new EnumMap<>(EventType.class);
    private final Map<RejectReason, Counter> deadLetters = new EnumMap<>(RejectReason.class);
    private final Counter enrichmentMisses;
    private final Counter lateEvents;
    private final Counter sessionsStarted;
    private final Map<String, ModelMeters> modelMeters = new ConcurrentHashMap<>();

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

    /** Success and error counts and the scoring time of one model version. */
    public record ModelMeters(Counter success, Counter error, Timer duration) {
    }
}
