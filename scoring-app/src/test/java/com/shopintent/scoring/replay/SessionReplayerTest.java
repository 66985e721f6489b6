package com.shopintent.scoring.replay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.shopintent.scoring.TestModels;
import com.shopintent.scoring.enrich.SpecialDayCalendar;
import com.shopintent.scoring.events.EventParser;
import com.shopintent.scoring.events.ParseResult;
import com.shopintent.scoring.events.Json;
import com.shopintent.scoring.features.DatasetRow;
import com.shopintent.scoring.topology.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SessionReplayerTest {

    private final SessionReplayer replayer = new SessionReplayer(SpecialDayCalendar.defaults());

    @Test
    void shouldConvertTheDataSetsSecondsToNanosecondsExactly() {
        assertThat(SessionReplayer.nanos(627.5)).isEqualTo(627_500_000_000L);
        assertThat(SessionReplayer.nanos(154.2166667)).isEqualTo(154_216_666_700L);
        assertThat(SessionReplayer.nanos(0.000000001)).isEqualTo(1L);
        assertThat(SessionReplayer.nanos(63973.52223)).isEqualTo(63_973_522_230_000L);
    }

    @Test
    void shouldWriteOneValidEventPerPageViewThenTheEndInTimeOrder() throws IOException {
        EventParser parser = new EventParser(65536);
        for (DatasetRow row : TestModels.shippedRows().subList(0, 500)) {
            List<ReplayRecord> events = replayer.events(row, "shop-9");
            int views = row.features().administrative() + row.features().informational() + row.features().productRelated();
            int expected = views + 1 + (row.revenue() ? 2 : 0);
            assertThat(events.size()).as("row %d", row.row()).isIn(expected, expected + 1);
            Instant previous = Instant.MIN;
            for (ReplayRecord record : events) {
                assertThat(record.topic()).isEqualTo(Topics.EVENTS);
                assertThat(parser.parse(record.key().getBytes(StandardCharsets.UTF_8), record.value()))
                        .isInstanceOf(ParseResult.Valid.class);
                Instant time = Instant.parse(Json.MAPPER.readTree(record.value()).get("timestamp").asText());
                assertThat(time).isAfterOrEqualTo(previous);
                previous = time;
            }
            JsonNode last = Json.MAPPER.readTree(events.get(events.size() - 1).value());
            assertThat(last.get("type").asText()).isEqualTo("session_end");
        }
    }

    @Test
    void shouldGiveEveryViewedCategoryAPageWithTheRowsStatistics() throws IOException {
        DatasetRow row = TestModels.shippedRows().get(1);
        List<ReplayRecord> stats = replayer.pageStats(row, "shop-9");

        assertThat(stats).extracting(ReplayRecord::key).containsExactly("shop-9/row-2-product_related");
        JsonNode value = Json.MAPPER.readTree(stats.get(0).value());
        assertThat(value.get("bounceRate").asDouble()).isEqualTo(row.features().bounceRates());
        assertThat(value.get("exitRate").asDouble()).isEqualTo(row.features().exitRates());
    }
}
