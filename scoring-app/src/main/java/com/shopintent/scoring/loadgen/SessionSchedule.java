package com.shopintent.scoring.loadgen;

import com.shopintent.scoring.features.DatasetRow;
import com.shopintent.scoring.replay.ReplayRecord;
import com.shopintent.scoring.replay.SessionReplayer;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;

/**
 * The interleaved events of many concurrent sessions drawn from real data set rows, in event-time
 * order. Each session keeps its row's gaps between events, so its features are the row's (but for
 * Month, Weekend and SpecialDay, which follow the run's date). A session that ends is replaced by a
 * new one at once, so {@code concurrentSessions} are always open.
 *
 * <p>Event time runs on a virtual clock that starts at the run's start; how fast it runs against
 * the wall clock follows from the send rate and the number of concurrent sessions, which the
 * caller chooses for a target speed-up ({@link #concurrencyFor}).
 */
final class SessionSchedule {

    private final List<DatasetRow> rows;
    private final String[] shopOfRow;
    private final SessionReplayer replayer;
    private final Random random;
    private final String runId;
    private final PriorityQueue<Active> queue = new PriorityQueue<>();
    private long sessionsStarted;

    /**
     * An open session. The time of its next event is kept in a field: the queue compares sessions
     * about twice for each of its log2(n) levels on every event, and with the time read through the
     * list and the record its sifting was a tenth of the load generator's CPU at 10,000 events/s.
     */
    private static final class Active implements Comparable<Active> {
        final List<ReplayRecord> events;
        int next;
        long nextTime;

        Active(List<ReplayRecord> events) {
            this.events = events;
            this.nextTime = events.get(0).timeNanos();
        }

        ReplayRecord advance() {
            ReplayRecord record = events.get(next++);
            if (next < events.size()) {
                nextTime = events.get(next).timeNanos();
            }
            return record;
        }

        @Override
        public int compareTo(Active other) {
            return Long.compare(nextTime, other.nextTime);
        }
    }

    SessionSchedule(List<DatasetRow> rows, String[] shopOfRow, SessionReplayer replayer, Random random, String runId,
                    int concurrentSessions, long startNanos) {
        this.rows = rows;
        this.shopOfRow = shopOfRow;
        this.replayer = replayer;
        this.random = random;
        this.runId = runId;
        long meanDuration = (long) meanDurationNanos(rows);
        for (int i = 0; i < concurrentSessions; i++) {
            // Staggered starts, so the run does not open with a burst of first page views.
            startSession(startNanos + (long) (random.nextDouble() * meanDuration));
        }
    }

    /** Sessions to keep open so event time runs about {@code speedUp} times faster than the wall clock. */
    static int concurrencyFor(List<DatasetRow> rows, double eventsPerSecond, double speedUp) {
        double eventsPerSession = 0;
        for (DatasetRow row : rows) {
            eventsPerSession += events(row);
        }
        eventsPerSession /= rows.size();
        double sessionSeconds = Math.max(1.0, meanDurationNanos(rows) / 1e9);
        double eventsPerSessionSecond = eventsPerSession / sessionSeconds;
        return (int) Math.max(1, Math.ceil(eventsPerSecond / (speedUp * eventsPerSessionSecond)));
    }

    private static int events(DatasetRow row) {
        return row.features().administrative() + row.features().informational() + row.features().productRelated()
                + 1 + (Boolean.TRUE.equals(row.revenue()) ? 2 : 0);
    }

    private static double meanDurationNanos(List<DatasetRow> rows) {
        double sum = 0;
        for (DatasetRow row : rows) {
            sum += (row.features().administrativeDuration() + row.features().informationalDuration()
                    + row.features().productRelatedDuration()) * 1e9;
        }
        return sum / rows.size();
    }

    private void startSession(long startNanos) {
        int index = random.nextInt(rows.size());
        String sessionId = "s" + (++sessionsStarted) + "-" + runId;
        queue.add(new Active(replayer.events(rows.get(index), shopOfRow[index], sessionId, startNanos)));
    }

    /** An event and its id ({@code <sessionId>-<n>}, as {@link SessionReplayer} numbers them). */
    record Scheduled(ReplayRecord record, String eventId) {
    }

    /** The next event in event-time order. */
    Scheduled next() {
        Active session = queue.poll();
        int index = session.next;
        ReplayRecord record = session.advance();
        if (session.next < session.events.size()) {
            queue.add(session);
        } else {
            startSession(record.timeNanos());
        }
        return new Scheduled(record, record.key() + "-" + index);
    }

    long sessionsStarted() {
        return sessionsStarted;
    }
}
