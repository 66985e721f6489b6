package com.shopintent.scoring.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.shopintent.scoring.TestModels;
import com.shopintent.scoring.enrich.SpecialDayCalendar;
import com.shopintent.scoring.features.DatasetRow;
import com.shopintent.scoring.replay.SessionReplayer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SessionScheduleTest {

    private final List<DatasetRow> rows = TestModels.shippedRows();

    private SessionSchedule schedule(int concurrent) {
        String[] shops = new String[rows.size()];
        Arrays.fill(shops, "shop-0001");
        return new SessionSchedule(rows, shops, new SessionReplayer(SpecialDayCalendar.defaults()), new Random(3), "run",
                concurrent, 1_800_000_000_000_000_000L);
    }

    @Test
    void shouldInterleaveSessionsInEventTimeOrderWithUniqueEventIds() {
        SessionSchedule schedule = schedule(200);
        Set<String> ids = new HashSet<>();
        Map<String, Integer> perSession = new HashMap<>();
        long previous = Long.MIN_VALUE;
        for (int i = 0; i < 50_000; i++) {
            SessionSchedule.Scheduled next = schedule.next();
            assertThat(next.record().timeNanos()).isGreaterThanOrEqualTo(previous);
            previous = next.record().timeNanos();
            assertThat(ids.add(next.eventId())).as(next.eventId()).isTrue();
            assertThat(new String(next.record().value(), java.nio.charset.StandardCharsets.UTF_8)).contains("\"eventId\":\"" + next.eventId() + "\"");
            perSession.merge(next.record().key(), 1, Integer::sum);
        }
        // 200 open at any time, each replaced when it ends: many more than 200 were started.
        assertThat(schedule.sessionsStarted()).isGreaterThan(400);
        assertThat(perSession.size()).isLessThanOrEqualTo((int) schedule.sessionsStarted());
    }

    @Test
    void shouldOpenMoreSessionsForAHigherRateAndFewerForAFasterClock() {
        int slow = SessionSchedule.concurrencyFor(rows, 1000, 60);
        int fast = SessionSchedule.concurrencyFor(rows, 2000, 60);
        int quicker = SessionSchedule.concurrencyFor(rows, 1000, 120);

        assertThat(fast).isCloseTo(2 * slow, within(1));
        assertThat(quicker).isCloseTo(slow / 2, within(1));
    }

    @Test
    void shouldFavourTheFirstShopsAsZipfSays() {
        ShopPopularity popularity = new ShopPopularity(500, 1.0);
        Random random = new Random(11);
        int[] counts = new int[500];
        for (int i = 0; i < 200_000; i++) {
            counts[popularity.sample(random)]++;
        }
        // Weights 1/k: shop 1 is drawn twice as often as shop 2 and ten times as often as shop 10.
        assertThat(counts[0] / (double) counts[1]).isCloseTo(2.0, within(0.1));
        assertThat(counts[0] / (double) counts[9]).isCloseTo(10.0, within(0.8));
        assertThat(counts[499]).isPositive();
        assertThat(ShopPopularity.shopId(0)).isEqualTo("shop-0001");
    }
}
