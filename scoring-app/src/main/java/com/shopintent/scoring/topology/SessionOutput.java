package com.shopintent.scoring.topology;

import com.shopintent.scoring.cache.CacheOutcome;
import com.shopintent.scoring.events.EventType;
import com.shopintent.scoring.features.SessionFeatures;

/** What the session step forwards: predictions, training examples and dead letters. */
sealed interface SessionOutput permits SessionOutput.Prediction, SessionOutput.TrainingExample, DeadLetter {

    /**
     * The score of a session as of one event.
     *
     * @param cache where the champion's score came from
     * @param challenger the challenger's score; null when no challenger serves
     * @param insight what this event adds to its shop's insight window (not written to the topic)
     */
    record Prediction(String eventId, String shopId, String sessionId, String visitorId, EventType eventType,
                      long eventTimeNanos, long scoredAtMillis, String modelVersion, double purchaseProbability,
                      CacheOutcome cache, Challenger challenger, boolean late, InsightInput insight)
            implements SessionOutput {
    }

    /** A challenger model's score of the same event, reported beside the champion's and never instead of it. */
    record Challenger(String modelVersion, double purchaseProbability) {
    }

    /**
     * A closed session's features as served, its label, and its last score.
     *
     * @param closedBy {@code session_end} or {@code timeout}
     */
    record TrainingExample(String shopId, String sessionId, SessionFeatures features, boolean revenue,
                           double purchaseAmount, String modelVersion, double purchaseProbability,
                           int eventCount, String closedBy) implements SessionOutput {
    }
}
