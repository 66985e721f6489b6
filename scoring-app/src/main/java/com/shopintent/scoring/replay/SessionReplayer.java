package com.shopintent.scoring.replay;

import com.fasterxml.jackson.core.JsonGenerator;
import com.shopintent.scoring.enrich.SpecialDayCalendar;
import com.shopintent.scoring.events.EventType;
import com.shopintent.scoring.events.Json;
import com.shopintent.scoring.events.PageCategory;
import com.shopintent.scoring.events.PageStats;
import com.shopintent.scoring.events.PageStatsParser;
import com.shopintent.scoring.features.DatasetRow;
import com.shopintent.scoring.features.SessionFeatures;
import com.shopintent.scoring.topology.Topics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a data set row into the clickstream of one session, so that the topology's features at the
 * session's {@code session_end} equal the row: the page-statistics records of its pages, then its
 * events in time order.
 *
 * <p>The session ({@code row-<n>}) views its administrative, then informational, then
 * product-related pages; each category's duration, in integer nanoseconds, is spread evenly over
 * its page views (the first {@code remainder} views get one nanosecond more), so the sum is exact.
 * Every page of the row has the row's BounceRates, ExitRates and PageValues, so their means are
 * the row's. A row with no page views but non-zero rates gets one {@code other} page view, which
 * counts in the means only. A buyer's session ends with {@code add_to_cart} and {@code purchase}
 * at the end time. The first event carries the visitor type and the codes, and starts on a day
 * whose Month, Weekend and SpecialDay are the row's.
 */
public final class SessionReplayer {

    static final LocalTime START_OF_SESSION = LocalTime.of(9, 0);

    private final ReplayDates dates;

    public SessionReplayer(SpecialDayCalendar calendar) {
        this.dates = new ReplayDates(calendar);
    }

    public static String sessionId(long row) {
        return "row-" + row;
    }

    /** The page-statistics records of the row's pages in this shop. */
    public List<ReplayRecord> pageStats(DatasetRow row, String shopId) {
        SessionFeatures f = row.features();
        byte[] stats = PageStatsParser.write(new PageStats(f.bounceRates(), f.exitRates(), f.pageValues()));
        List<ReplayRecord> records = new ArrayList<>();
        for (PageCategory category : categoriesViewed(f)) {
            records.add(new ReplayRecord(Topics.PAGE_STATS, PageStats.key(shopId, pageId(row.row(), category)), stats, 0));
        }
        return records;
    }

    /**
     * The row's events as session {@code row-<n>}, starting on a day whose Month, Weekend and
     * SpecialDay are the row's, so every feature equals the row.
     */
    public List<ReplayRecord> events(DatasetRow row, String shopId) {
        SessionFeatures f = row.features();
        long start = dates.dayFor(f.month(), f.weekend(), f.specialDay()).atTime(START_OF_SESSION)
                .toEpochSecond(ZoneOffset.UTC) * 1_000_000_000L;
        return events(row, shopId, sessionId(row.row()), start);
    }

    /**
     * The row's events in time order, the last one a {@code session_end}, as session
     * {@code sessionId} starting at {@code startNanos}; event ids are {@code <sessionId>-<n>}. The
     * durations, counts and rates are the row's; Month, Weekend and SpecialDay follow the start.
     */
    public List<ReplayRecord> events(DatasetRow row, String shopId, String sessionId, long startNanos) {
        SessionFeatures f = row.features();
        long time = startNanos;
        Session session = new Session(row, shopId, sessionId);
        int[] counts = {f.administrative(), f.informational(), f.productRelated()};
        long[] durations = {nanos(f.administrativeDuration()), nanos(f.informationalDuration()), nanos(f.productRelatedDuration())};
        if (counts[0] + counts[1] + counts[2] == 0 && needsOtherPage(f)) {
            session.add(EventType.PAGE_VIEW, time, PageCategory.OTHER);
        }
        for (int c = 0; c < counts.length; c++) {
            PageCategory category = PageCategory.values()[c];
            for (int i = 0; i < counts[c]; i++) {
                session.add(EventType.PAGE_VIEW, time, category);
                time += durations[c] / counts[c] + (i < durations[c] % counts[c] ? 1 : 0);
            }
        }
        if (Boolean.TRUE.equals(row.revenue())) {
            session.add(EventType.ADD_TO_CART, time, null);
            session.add(EventType.PURCHASE, time, null);
        }
        session.add(EventType.SESSION_END, time, null);
        return session.records;
    }

    private List<PageCategory> categoriesViewed(SessionFeatures f) {
        List<PageCategory> categories = new ArrayList<>();
        if (f.administrative() > 0) {
            categories.add(PageCategory.ADMINISTRATIVE);
        }
        if (f.informational() > 0) {
            categories.add(PageCategory.INFORMATIONAL);
        }
        if (f.productRelated() > 0) {
            categories.add(PageCategory.PRODUCT_RELATED);
        }
        if (categories.isEmpty() && needsOtherPage(f)) {
            categories.add(PageCategory.OTHER);
        }
        return categories;
    }

    private static boolean needsOtherPage(SessionFeatures f) {
        return f.bounceRates() != 0 || f.exitRates() != 0 || f.pageValues() != 0;
    }

    private static String pageId(long row, PageCategory category) {
        return "row-" + row + "-" + category.wireName();
    }

    /**
     * Seconds as written in the data set to integer nanoseconds. The data set has at most nine
     * decimals and fifteen significant digits, so the double's shortest text is the original text
     * and the conversion is exact.
     */
    static long nanos(double seconds) {
        return BigDecimal.valueOf(seconds).movePointRight(9).setScale(0, RoundingMode.HALF_EVEN).longValueExact();
    }

    /** Builds the events of one session, numbering them. */
    private static final class Session {
        private final DatasetRow row;
        private final String shopId;
        private final String sessionId;
        private final List<ReplayRecord> records = new ArrayList<>();

        Session(DatasetRow row, String shopId, String sessionId) {
            this.row = row;
            this.shopId = shopId;
            this.sessionId = sessionId;
        }

        void add(EventType type, long timeNanos, PageCategory category) {
            boolean first = records.isEmpty();
            SessionFeatures f = row.features();
            ByteArrayOutputStream out = new ByteArrayOutputStream(256);
            try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)) {
                g.writeStartObject();
                g.writeStringField("eventId", sessionId + "-" + records.size());
                g.writeStringField("type", type.wireName());
                g.writeStringField("shopId", shopId);
                g.writeStringField("sessionId", sessionId);
                g.writeStringField("visitorId", "visitor-" + row.row());
                g.writeStringField("timestamp", Instant.ofEpochSecond(0, timeNanos).toString());
                if (category != null) {
                    g.writeObjectFieldStart("page");
                    g.writeStringField("id", pageId(row.row(), category));
                    g.writeStringField("category", category.wireName());
                    g.writeEndObject();
                }
                if (first) {
                    g.writeStringField("visitorType", f.visitorType().wireName());
                    writeCode(g, "os", f.operatingSystems());
                    writeCode(g, "browser", f.browser());
                    writeCode(g, "region", f.region());
                    writeCode(g, "trafficType", f.trafficType());
                }
                g.writeEndObject();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write event of " + sessionId, e);
            }
            records.add(new ReplayRecord(Topics.EVENTS, sessionId, out.toByteArray(), timeNanos));
        }

        private void writeCode(JsonGenerator g, String field, Integer code) throws IOException {
            if (code != null) {
                g.writeNumberField(field, code);
            }
        }
    }
}
