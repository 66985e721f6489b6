package com.shopintent.scoring.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.shopintent.scoring.enrich.SpecialDayCalendar;
import com.shopintent.scoring.events.EventType;
import com.shopintent.scoring.events.PageCategory;
import com.shopintent.scoring.events.PageStats;
import com.shopintent.scoring.events.ShopEvent;
import com.shopintent.scoring.events.VisitorType;
import java.time.Instant;
import java.time.Month;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class SessionStateTest {

    private static final long T0 = Instant.parse("2026-05-02T10:00:00Z").getEpochSecond() * 1_000_000_000L;
    private final SessionStateSerde serde = new SessionStateSerde();

    private static ShopEvent view(long nanos, PageCategory category, Integer os, VisitorType visitor) {
        return new ShopEvent("e", EventType.PAGE_VIEW, "shop", "s", "v", nanos, "p", category, visitor, os, null, null, null, null);
    }

    private static ShopEvent event(EventType type, long nanos, Double amount) {
        return new ShopEvent("e", type, "shop", "s", "v", nanos, null, null, null, null, null, null, null, amount);
    }

    @Test
    void shouldSumDurationsInNanosecondsPerCategoryUntilTheNextEventOfAnyType() {
        SessionState s = SessionState.start(view(T0, PageCategory.ADMINISTRATIVE, null, null));
        s.apply(view(T0, PageCategory.ADMINISTRATIVE, null, null), 1, null);
        s.apply(view(T0 + 1_000_000_001L, PageCategory.PRODUCT_RELATED, null, null), 2, null);
        s.apply(event(EventType.ADD_TO_CART, T0 + 3_000_000_003L, null), 3, null);
        s.apply(view(T0 + 10_000_000_000L, PageCategory.OTHER, null, null), 4, null);
        s.apply(event(EventType.SESSION_END, T0 + 20_000_000_000L, null), 5, null);

        SessionFeatures f = s.features(SpecialDayCalendar.defaults());
        assertThat(f.administrative()).isEqualTo(1);
        assertThat(f.administrativeDuration()).isEqualTo(1.000000001);
        assertThat(f.productRelated()).isEqualTo(1);
        assertThat(f.productRelatedDuration()).isEqualTo(2.000000002);
        // Time after add_to_cart and on an 'other' page belongs to no category.
        assertThat(f.informationalDuration()).isZero();
    }

    @Test
    void shouldAverageStatisticsOverAllPageViewsCountingMissingOnesAsZero() {
        SessionState s = SessionState.start(view(T0, PageCategory.INFORMATIONAL, null, null));
        s.apply(view(T0, PageCategory.INFORMATIONAL, null, null), 1, new PageStats(0.2, 0.4, 30));
        s.apply(view(T0, PageCategory.OTHER, null, null), 2, new PageStats(0.1, 0.2, 0));
        s.apply(view(T0, PageCategory.INFORMATIONAL, null, null), 3, null);

        SessionFeatures f = s.features(SpecialDayCalendar.defaults());
        assertThat(f.bounceRates()).isEqualTo(0.1, org.assertj.core.api.Assertions.within(1e-15));
        assertThat(f.exitRates()).isEqualTo(0.2, org.assertj.core.api.Assertions.within(1e-15));
        assertThat(f.pageValues()).isEqualTo(10.0);
        assertThat(f.informational()).isEqualTo(2);
    }

    @Test
    void shouldTakeContextFromTheFirstEventThatCarriesIt() {
        SessionState s = SessionState.start(view(T0, PageCategory.OTHER, null, null));
        s.apply(view(T0, PageCategory.OTHER, null, null), 1, null);
        s.apply(view(T0 + 1, PageCategory.OTHER, 7, VisitorType.NEW), 2, null);
        s.apply(view(T0 + 2, PageCategory.OTHER, 8, VisitorType.OTHER), 3, null);

        SessionFeatures f = s.features(SpecialDayCalendar.defaults());
        assertThat(f.operatingSystems()).isEqualTo(7);
        assertThat(f.visitorType()).isEqualTo(VisitorType.NEW);
        assertThat(f.browser()).isNull();
        // 2 May 2026 is a Saturday, eight days before Mother's Day.
        assertThat(f.month()).isEqualTo(Month.MAY);
        assertThat(f.weekend()).isTrue();
        assertThat(f.specialDay()).isEqualTo(1.0);
    }

    @Test
    void shouldDefaultTheVisitorTypeToReturning() {
        SessionState s = SessionState.start(view(T0, PageCategory.OTHER, null, null));
        s.apply(view(T0, PageCategory.OTHER, null, null), 1, null);

        assertThat(s.features(SpecialDayCalendar.defaults()).visitorType()).isEqualTo(VisitorType.RETURNING);
    }

    @Test
    void shouldRememberPurchasesAndTheirAmounts() {
        SessionState s = SessionState.start(event(EventType.PURCHASE, T0, 10.5));
        s.apply(event(EventType.PURCHASE, T0, 10.5), 1, null);
        s.apply(event(EventType.PURCHASE, T0, null), 2, null);

        assertThat(s.purchased()).isTrue();
        assertThat(s.purchaseAmount()).isEqualTo(10.5);
    }

    @Test
    void shouldRoundTripThroughTheSerde() {
        SessionState s = SessionState.start(view(T0, PageCategory.PRODUCT_RELATED, 3, VisitorType.NEW));
        for (int i = 0; i < 20; i++) {
            s.apply(view(T0 + i * 1_000_000_007L, PageCategory.values()[i % 4], 3, VisitorType.NEW), i * 31L, new PageStats(0.01 * i, 0.02, i));
        }
        s.recordScore(0.25, "xgb-1");

        SessionState copy = serde.deserializer().deserialize("t", serde.serializer().serialize("t", s));

        assertThat(copy.features(SpecialDayCalendar.defaults())).isEqualTo(s.features(SpecialDayCalendar.defaults()));
        assertThat(copy.lastProbability()).isEqualTo(0.25);
        assertThat(copy.lastModelVersion()).isEqualTo("xgb-1");
        assertThat(copy.eventCount()).isEqualTo(20);
        assertThat(copy.hasSeen(19 * 31L)).isTrue();
        assertThat(copy.hasSeen(5)).isFalse();
        assertThat(copy.isClosed()).isFalse();
    }

    @Test
    void shouldRoundTripAnEndMarker() {
        SessionState marker = serde.deserializer().deserialize("t",
                serde.serializer().serialize("t", SessionState.closedMarker("shop", T0)));

        assertThat(marker.isClosed()).isTrue();
        assertThat(marker.closedAtNanos()).isEqualTo(T0);
        assertThat(marker.shopId()).isEqualTo("shop");
    }

    @Test
    void shouldForgetTheOldestIdsPastTheBoundAndKeepTheStateSmall() {
        SessionState s = SessionState.start(event(EventType.ADD_TO_CART, T0, null));
        int total = SessionState.MAX_REMEMBERED_IDS + 10;
        for (int i = 0; i < total; i++) {
            s.apply(event(EventType.ADD_TO_CART, T0, null), i, null);
        }

        assertThat(s.hasSeen(total - 1)).isTrue();
        assertThat(s.hasSeen(0)).isFalse();
        assertThat(s.hasSeen(10)).isTrue();
        byte[] bytes = serde.serializer().serialize("t", s);
        assertThat(bytes.length).isLessThan(SessionState.MAX_REMEMBERED_IDS * 8 + 512);
        assertThat(serde.deserializer().deserialize("t", bytes).hasSeen(total - 1)).isTrue();
    }

    @Test
    void shouldRefuseBytesOfAnUnknownFormat() {
        assertThatThrownBy(() -> serde.deserializer().deserialize("t", new byte[] {9, 0, 0}))
                .isInstanceOf(SerializationException.class).hasMessageContaining("format 9");
    }
}
