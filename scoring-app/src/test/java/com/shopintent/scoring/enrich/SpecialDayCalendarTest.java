package com.shopintent.scoring.enrich;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DayOfWeek;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class SpecialDayCalendarTest {

    private final SpecialDayCalendar calendar = SpecialDayCalendar.defaults();

    @Test
    void shouldPeakEightDaysBeforeValentinesDayAndFallByAFifthPerDay() {
        assertThat(calendar.closeness(LocalDate.of(2026, 2, 6))).isEqualTo(1.0);
        assertThat(calendar.closeness(LocalDate.of(2026, 2, 5))).isEqualTo(0.8);
        assertThat(calendar.closeness(LocalDate.of(2026, 2, 7))).isEqualTo(0.8);
        assertThat(calendar.closeness(LocalDate.of(2026, 2, 2))).isEqualTo(0.2);
        assertThat(calendar.closeness(LocalDate.of(2026, 2, 10))).isEqualTo(0.2);
        assertThat(calendar.closeness(LocalDate.of(2026, 2, 1))).isEqualTo(0.0);
        assertThat(calendar.closeness(LocalDate.of(2026, 2, 11))).isEqualTo(0.0);
        assertThat(calendar.closeness(LocalDate.of(2026, 2, 14))).isEqualTo(0.0);
    }

    @Test
    void shouldPutTheMothersDayPeakOnASaturdayAsTheDataSetHasIt() {
        // Second Sunday of May 2026 is 10 May; eight days before is Saturday 2 May.
        LocalDate peak = LocalDate.of(2026, 5, 2);
        assertThat(peak.getDayOfWeek()).isEqualTo(DayOfWeek.SATURDAY);
        assertThat(calendar.closeness(peak)).isEqualTo(1.0);
        assertThat(calendar.closeness(LocalDate.of(2026, 5, 1))).isEqualTo(0.8);
        assertThat(calendar.closeness(LocalDate.of(2026, 5, 3))).isEqualTo(0.8);
    }

    @Test
    void shouldBeZeroAwayFromEverySpecialDay() {
        assertThat(calendar.closeness(LocalDate.of(2026, 11, 29))).isEqualTo(0.0);
    }

    @Test
    void shouldLookIntoNextYearForLateDecemberVisits() {
        SpecialDayCalendar newYear = SpecialDayCalendar.parse("01-05");
        assertThat(newYear.closeness(LocalDate.of(2026, 12, 28))).isEqualTo(1.0);
    }

    @Test
    void shouldRefuseAMalformedSpecialDay() {
        assertThatThrownBy(() -> SpecialDayCalendar.parse("05-SUNDAY-2")).hasMessageContaining("05-SUNDAY-2");
        assertThatThrownBy(() -> SpecialDayCalendar.parse("13-01")).hasMessageContaining("13-01");
        assertThatThrownBy(() -> SpecialDayCalendar.parse("05-SUN-5")).hasMessageContaining("05-SUN-5");
    }
}
