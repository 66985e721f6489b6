package com.shopintent.scoring.features;

import com.shopintent.scoring.enrich.SpecialDayCalendar;
import com.shopintent.scoring.events.EventType;
import com.shopintent.scoring.events.PageCategory;
import com.shopintent.scoring.events.PageStats;
import com.shopintent.scoring.events.ShopEvent;
import com.shopintent.scoring.events.VisitorType;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;

/**
 * What one open session needs for its features and no more: counts and integer-nanosecond
 * durations per category, sums for the page-statistics means, the first event's context, the last
 * event's time, the hashes of the event ids seen (for de-duplication), and the last score.
 *
 * <p>Durations stay integers until {@link #features} forms them, which is what makes a replayed
 * session's features equal its data set row exactly.
 */
public final class SessionState {

    /** Marks "no page view is open" in {@link #openCategory}. */
    static final byte NONE = -1;
    static final int NO_CODE = -1;
    static final long OPEN = -1;
    /**
     * Event ids remembered per session. Retries arrive close together, so the most recent ids are
     * the ones that matter; the bound keeps one runaway session from growing its state without end.
     */
    static final int MAX_REMEMBERED_IDS = 4096;
    private static final int CATEGORIES = 3;

    String shopId;
    String visitorId;
    long firstEventNanos;
    long lastEventNanos;
    final int[] pageViews = new int[CATEGORIES];
    final long[] durationNanos = new long[CATEGORIES];
    /** Category ordinal of the last event when it was a page view, else {@link #NONE}. */
    byte openCategory = NONE;
    int statsPageViews;
    double bounceRateSum;
    double exitRateSum;
    double pageValueSum;
    int operatingSystem = NO_CODE;
    int browser = NO_CODE;
    int region = NO_CODE;
    int trafficType = NO_CODE;
    VisitorType visitorType;
    boolean purchased;
    double purchaseAmount;
    long[] eventIdHashes = new long[8];
    int eventCount;
    double lastProbability = Double.NaN;
    String lastModelVersion;
    /** The last insight window in which this session was counted as active, and as high intent. */
    long activeWindow = -1;
    long highIntentWindow = -1;
    /** When the session closed (epoch nanos), or {@link #OPEN}; a closed session keeps only this. */
    long closedAtNanos = OPEN;

    SessionState() {
    }

    /**
     * What stays of a session after it closed: enough to recognise events that arrive after its
     * end, until the marker itself expires.
     */
    public static SessionState closedMarker(String shopId, long closedAtNanos) {
        SessionState marker = new SessionState();
        marker.shopId = shopId;
        marker.closedAtNanos = closedAtNanos;
        return marker;
    }

    public boolean isClosed() {
        return closedAtNanos != OPEN;
    }

    public long closedAtNanos() {
        return closedAtNanos;
    }

    /** A new session whose first event is {@code first} (not yet applied). */
    public static SessionState start(ShopEvent first) {
        SessionState state = new SessionState();
        state.shopId = first.shopId();
        state.visitorId = first.visitorId();
        state.firstEventNanos = first.timeNanos();
        state.lastEventNanos = first.timeNanos();
        return state;
    }

    /** True when an event with this id hash was already applied. */
    public boolean hasSeen(long eventIdHash) {
        int remembered = Math.min(eventCount, eventIdHashes.length);
        for (int i = 0; i < remembered; i++) {
            if (eventIdHashes[i] == eventIdHash) {
                return true;
            }
        }
        return false;
    }

    /**
     * Applies one event. An event older than the session's last event is taken at the last event's
     * time, so durations never run backwards; the caller counts such events.
     *
     * @param stats the statistics of the event's page, or null when there are none (counts as 0)
     * @return true when the event was older than the last one and its time was moved up
     */
    public boolean apply(ShopEvent event, long eventIdHash, PageStats stats) {
        boolean late = event.timeNanos() < lastEventNanos;
        long time = late ? lastEventNanos : event.timeNanos();
        if (openCategory != NONE) {
            durationNanos[openCategory] += time - lastEventNanos;
        }
        openCategory = NONE;
        if (event.type() == EventType.PAGE_VIEW) {
            PageCategory category = event.pageCategory();
            if (category != PageCategory.OTHER) {
                pageViews[category.ordinal()]++;
                openCategory = (byte) category.ordinal();
            }
            statsPageViews++;
            if (stats != null) {
                bounceRateSum += stats.bounceRate();
                exitRateSum += stats.exitRate();
                pageValueSum += stats.pageValue();
            }
        } else if (event.type() == EventType.PURCHASE) {
            purchased = true;
            if (event.amount() != null) {
                purchaseAmount += event.amount();
            }
        }
        operatingSystem = firstCode(operatingSystem, event.operatingSystem());
        browser = firstCode(browser, event.browser());
        region = firstCode(region, event.region());
        trafficType = firstCode(trafficType, event.trafficType());
        if (visitorType == null) {
            visitorType = event.visitorType();
        }
        lastEventNanos = time;
        remember(eventIdHash);
        return late;
    }

    private static int firstCode(int current, Integer offered) {
        return current == NO_CODE && offered != null ? offered : current;
    }

    private void remember(long eventIdHash) {
        if (eventCount == eventIdHashes.length && eventCount < MAX_REMEMBERED_IDS) {
            eventIdHashes = Arrays.copyOf(eventIdHashes, Math.min(eventCount * 2, MAX_REMEMBERED_IDS));
        }
        // Past the bound the array is a ring: the oldest id is forgotten first.
        eventIdHashes[eventCount % eventIdHashes.length] = eventIdHash;
        eventCount++;
    }

    public void recordScore(double probability, String modelVersion) {
        lastProbability = probability;
        lastModelVersion = modelVersion;
    }

    /** Marks the session active in this insight window; true the first time for the window. */
    public boolean markActive(long window) {
        boolean first = activeWindow != window;
        activeWindow = window;
        return first;
    }

    /** Marks the session high intent in this insight window; true the first time for the window. */
    public boolean markHighIntent(long window) {
        boolean first = highIntentWindow != window;
        highIntentWindow = window;
        return first;
    }

    /** The session's features as of its last event. */
    public SessionFeatures features(SpecialDayCalendar calendar) {
        LocalDate firstDay = Instant.ofEpochSecond(0, firstEventNanos).atZone(ZoneOffset.UTC).toLocalDate();
        return new SessionFeatures(
                pageViews[0], seconds(durationNanos[0]),
                pageViews[1], seconds(durationNanos[1]),
                pageViews[2], seconds(durationNanos[2]),
                mean(bounceRateSum), mean(exitRateSum), mean(pageValueSum),
                calendar.closeness(firstDay), firstDay.getMonth(),
                code(operatingSystem), code(browser), code(region), code(trafficType),
                visitorType == null ? VisitorType.RETURNING : visitorType,
                firstDay.getDayOfWeek().getValue() >= 6);
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    private double mean(double sum) {
        return statsPageViews == 0 ? 0.0 : sum / statsPageViews;
    }

    private static Integer code(int value) {
        return value == NO_CODE ? null : value;
    }

    public String shopId() {
        return shopId;
    }

    public String visitorId() {
        return visitorId;
    }

    public long lastEventNanos() {
        return lastEventNanos;
    }

    public boolean purchased() {
        return purchased;
    }

    public double purchaseAmount() {
        return purchaseAmount;
    }

    public int eventCount() {
        return eventCount;
    }

    public double lastProbability() {
        return lastProbability;
    }

    public String lastModelVersion() {
        return lastModelVersion;
    }
}
