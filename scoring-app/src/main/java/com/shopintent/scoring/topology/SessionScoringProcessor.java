package com.shopintent.scoring.topology;

import com.shopintent.scoring.cache.PredictionCache;
import com.shopintent.scoring.enrich.SpecialDayCalendar;
import com.shopintent.scoring.events.EventType;
import com.shopintent.scoring.events.PageStats;
import com.shopintent.scoring.events.RejectReason;
import com.shopintent.scoring.events.Rejection;
import com.shopintent.scoring.events.ShopEvent;
import com.shopintent.scoring.features.SessionFeatures;
import com.shopintent.scoring.features.SessionState;
import com.shopintent.scoring.metrics.ScoringMetrics;
import com.shopintent.scoring.model.ActiveModels;
import com.shopintent.scoring.model.ScoringModel;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps each session's state in {@link Stores#SESSIONS}, enriches page views from the global
 * {@link Stores#PAGE_STATS} store, scores the session after every event and forwards one
 * prediction per event; when a session closes it forwards its training example.
 *
 * <p>Closing: {@code session_end} closes a session and leaves a marker, so events that arrive
 * after the end (until the marker expires one session timeout later) go to the dead-letter topic
 * as {@code session-closed}. A session idle for the session timeout closes by timeout, found by a
 * punctuator or by its next event, whichever comes first; it leaves no marker, so a later event
 * with the same id starts a new session, as web analytics do.
 *
 * <p>Idleness is measured in event time, the time the data set's durations are in. The clock is
 * the latest event time this task has seen, moved on by the wall-clock time since it saw it: a
 * replay of old sessions expires them by their own timestamps, and a partition that falls quiet
 * still closes its sessions on time. (Kafka's stream time would not do: it follows the records'
 * Kafka timestamps, which a shop's producer sets, not the events' times.) The punctuator runs on
 * wall-clock time so it runs whether or not records arrive.
 */
final class SessionScoringProcessor implements Processor<String, ParseOutput.Parsed, String, SessionOutput> {

    static final String CLOSED_BY_END = "session_end";
    static final String CLOSED_BY_TIMEOUT = "timeout";
    private static final Logger LOG = LoggerFactory.getLogger(SessionScoringProcessor.class);
    /** Expiry runs per sweep of the whole store: one every expiry interval / 30. */
    static final int SWEEP_SLICES = 30;
    /** Sessions one expiry run looks at, at least: a small store is swept whole in one run. */
    static final long MIN_SLICE = 1_000;

    private final Supplier<ActiveModels> models;
    private final PredictionCache cache;
    private final PageStatsLookup pageStatsLookup;
    private final SpecialDayCalendar calendar;
    private final long timeoutNanos;
    private final Duration expiryInterval;
    private final ScoringMetrics metrics;
    private final double highIntentThreshold;
    private ProcessorContext<String, SessionOutput> context;
    private KeyValueStore<String, SessionState> sessions;
    private ReadOnlyKeyValueStore<String, PageStats> pageStats;
    private long latestEventNanos = Long.MIN_VALUE;
    private long wallClockAtLatestMillis;
    /** The last session key the current sweep looked at; null when the next run starts a sweep. */
    private String sweepAfter;
    /** Wall-clock time the current or last sweep began; a new one begins an expiry interval after it. */
    private long sweepBeganMillis = Long.MIN_VALUE;

    SessionScoringProcessor(Supplier<ActiveModels> models, PredictionCache cache, PageStatsLookup pageStatsLookup,
                            SpecialDayCalendar calendar, Duration timeout, Duration expiryInterval, double highIntentThreshold,
                            ScoringMetrics metrics) {
        this.highIntentThreshold = highIntentThreshold;
        this.models = models;
        this.cache = cache;
        this.pageStatsLookup = pageStatsLookup;
        this.calendar = calendar;
        this.timeoutNanos = timeout.toNanos();
        this.expiryInterval = expiryInterval;
        this.metrics = metrics;
        metrics.declareSessionClosers(CLOSED_BY_END, CLOSED_BY_TIMEOUT);
    }

    @Override
    public void init(ProcessorContext<String, SessionOutput> context) {
        this.context = context;
        this.sessions = context.getStateStore(Stores.SESSIONS);
        this.pageStats = context.getStateStore(Stores.PAGE_STATS);
        context.schedule(expiryInterval.dividedBy(SWEEP_SLICES), PunctuationType.WALL_CLOCK_TIME, this::expireIdleSessions);
    }

    @Override
    public void process(Record<String, ParseOutput.Parsed> record) {
        ShopEvent event = record.value().event();
        String sessionId = event.sessionId();
        if (event.timeNanos() > latestEventNanos) {
            latestEventNanos = event.timeNanos();
            wallClockAtLatestMillis = context.currentSystemTimeMs();
        }
        SessionState state = sessions.get(sessionId);
        if (state != null && state.isClosed() && event.timeNanos() - state.closedAtNanos() >= timeoutNanos) {
            // The end was longer ago than a timeout in event time: the id starts a new session,
            // whether or not the expiry sweep has removed the marker yet.
            state = null;
        }
        if (state != null && state.isClosed()) {
            deadLetter(record, new Rejection(RejectReason.SESSION_CLOSED, "session '" + sessionId + "' ended at "
                    + Instant.ofEpochSecond(0, state.closedAtNanos()) + "; event '" + event.eventId() + "' came after its end"));
            return;
        }
        if (state != null && event.timeNanos() - state.lastEventNanos() >= timeoutNanos) {
            closeByTimeout(sessionId, state, record.timestamp());
            state = null;
        }
        long idHash = EventIds.hash(event.eventId());
        if (state != null && state.hasSeen(idHash)) {
            deadLetter(record, new Rejection(RejectReason.DUPLICATE_EVENT, "event '" + event.eventId()
                    + "' was already counted in session '" + sessionId + "'"));
            return;
        }
        if (state == null) {
            state = SessionState.start(event);
            metrics.sessionStarted();
        }
        SessionOutput.Prediction prediction;
        try {
            boolean late = state.apply(event, idHash, statsOf(event));
            prediction = score(event, state, late, record.timestamp());
        } catch (RuntimeException e) {
            // The state in the store is untouched: this event did not happen as far as the session knows.
            LOG.warn("Cannot score event {} of session {}; it goes to the dead-letter topic", event.eventId(), sessionId, e);
            deadLetter(record, new Rejection(RejectReason.PROCESSING_ERROR, "scoring failed: " + e));
            return;
        }
        metrics.eventIn(event.type());
        // Only the trace headers: the event's other headers are the shop's, not the prediction's.
        context.forward(new Record<String, SessionOutput>(sessionId, prediction, record.timestamp(),
                TraceContext.forPrediction(record.headers(), metrics)));
        if (event.type() == EventType.SESSION_END) {
            forwardTrainingExample(sessionId, state, CLOSED_BY_END, record.timestamp());
            sessions.put(sessionId, SessionState.closedMarker(state.shopId(), state.lastEventNanos()));
        } else {
            sessions.put(sessionId, state);
        }
    }

    private PageStats statsOf(ShopEvent event) {
        if (event.type() != EventType.PAGE_VIEW) {
            return null;
        }
        PageStats stats = pageStatsLookup.get(pageStats, event.shopId(), event.pageId());
        if (stats == null) {
            metrics.enrichmentMiss();
        }
        return stats;
    }

    private SessionOutput.Prediction score(ShopEvent event, SessionState state, boolean late, long timestamp) {
        if (late) {
            metrics.lateEvent();
        }
        // One read per event: a swap between two events never splits one.
        ActiveModels active = models.get();
        ScoringModel model = active.champion();
        SessionFeatures features = state.features(calendar);
        long eventMillis = Math.floorDiv(event.timeNanos(), 1_000_000L);
        metrics.eventLag(context.currentSystemTimeMs() - eventMillis);
        PredictionCache.Scored scored = score(model, features, eventMillis);
        SessionOutput.Challenger challenger = null;
        if (active.challenger() != null) {
            ScoringModel other = active.challenger();
            try {
                challenger = new SessionOutput.Challenger(other.version(), score(other, features, eventMillis).probability());
            } catch (RuntimeException e) {
                // The challenger is an experiment: its failure (counted under its version) never costs the prediction.
                LOG.debug("Challenger {} failed to score event {}", other.version(), event.eventId(), e);
            }
        }
        double probability = scored.probability();
        state.recordScore(probability, model.version());
        long window = Math.floorDiv(timestamp, ScoringTopology.INSIGHT_WINDOW.toMillis());
        boolean newSession = state.markActive(window);
        boolean newHighIntent = probability >= highIntentThreshold && state.markHighIntent(window);
        boolean purchase = event.type() == EventType.PURCHASE;
        InsightInput insight = new InsightInput(probability, newSession, newHighIntent, purchase,
                purchase && event.amount() != null ? event.amount() : 0.0);
        return new SessionOutput.Prediction(event.eventId(), event.shopId(), event.sessionId(), event.visitorId(),
                event.type(), event.timeNanos(), context.currentSystemTimeMs(), model.version(), probability, scored.outcome(), challenger, late, insight);
    }

    /** Scores with one model, through the cache, counted under its version. */
    private PredictionCache.Scored score(ScoringModel model, SessionFeatures features, long eventMillis) {
        ScoringMetrics.ModelMeters meters = metrics.model(model.version());
        long start = System.nanoTime();
        PredictionCache.Scored scored;
        try {
            scored = cache.score(model, features, eventMillis);
        } catch (RuntimeException e) {
            meters.error().increment();
            throw e;
        }
        meters.duration().record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
        meters.success().increment();
        return scored;
    }

    private void deadLetter(Record<String, ParseOutput.Parsed> record, Rejection rejection) {
        metrics.deadLetter(rejection.reason());
        ParseOutput.Parsed parsed = record.value();
        context.forward(new Record<String, SessionOutput>(null, new DeadLetter(parsed.rawKey(), parsed.rawValue()),
                record.timestamp(), DeadLetterHeaders.forRejection(record.headers(), rejection, context)));
    }

    private void closeByTimeout(String sessionId, SessionState state, long timestamp) {
        forwardTrainingExample(sessionId, state, CLOSED_BY_TIMEOUT, timestamp);
        sessions.delete(sessionId);
    }

    private void forwardTrainingExample(String sessionId, SessionState state, String closedBy, long timestamp) {
        metrics.sessionClosed(closedBy);
        SessionOutput.TrainingExample example = new SessionOutput.TrainingExample(state.shopId(), sessionId,
                state.features(calendar), state.purchased(), state.purchaseAmount(), state.lastModelVersion(),
                state.lastProbability(), state.eventCount(), closedBy);
        context.forward(new Record<String, SessionOutput>(sessionId, example, timestamp, new RecordHeaders()));
    }

    /**
     * Closes sessions idle for the timeout and drops end markers older than the timeout, in event
     * time (see the class comment). One run looks at one slice of the store, resuming after the
     * last key the previous run looked at; {@link #SWEEP_SLICES} runs, one expiry interval, make
     * a sweep of every session. A sweep of the whole store in one run stopped the stream thread
     * for as long as it took to read every session, hundreds of milliseconds with tens of thousands
     * open (docs/benchmarks.md), and that grows with the store; a slice is a bounded pause. A sweep
     * that ends early (a store of fewer than {@link #MIN_SLICE} × {@link #SWEEP_SLICES} sessions)
     * waits for the interval to pass before the next begins: each session is read once an
     * interval, not once a second.
     */
    private void expireIdleSessions(long wallClockMillis) {
        if (latestEventNanos == Long.MIN_VALUE) {
            return;
        }
        if (sweepAfter == null) {
            if (sweepBeganMillis != Long.MIN_VALUE && wallClockMillis - sweepBeganMillis < expiryInterval.toMillis()) {
                return;
            }
            sweepBeganMillis = wallClockMillis;
        }
        long now = latestEventNanos + Math.max(0, wallClockMillis - wallClockAtLatestMillis) * 1_000_000L;
        long recordTime = Math.floorDiv(now, 1_000_000L);
        long slice = Math.max(MIN_SLICE, (sessions.approximateNumEntries() + SWEEP_SLICES - 1) / SWEEP_SLICES);
        String resumeAfter = sweepAfter;
        List<KeyValue<String, SessionState>> due = new ArrayList<>();
        try (KeyValueIterator<String, SessionState> entries = resumeAfter == null ? sessions.all() : sessions.range(resumeAfter, null)) {
            long looked = 0;
            while (looked < slice && entries.hasNext()) {
                KeyValue<String, SessionState> entry = entries.next();
                if (entry.key.equals(resumeAfter)) {
                    continue;
                }
                looked++;
                sweepAfter = entry.key;
                long since = entry.value.isClosed() ? entry.value.closedAtNanos() : entry.value.lastEventNanos();
                if (now - since >= timeoutNanos) {
                    due.add(entry);
                }
            }
            if (!entries.hasNext()) {
                sweepAfter = null;
            }
        }
        for (KeyValue<String, SessionState> entry : due) {
            if (entry.value.isClosed()) {
                sessions.delete(entry.key);
            } else {
                closeByTimeout(entry.key, entry.value, recordTime);
            }
        }
    }
}
