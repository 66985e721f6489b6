package com.shopintent.scoring.replay;

import com.shopintent.scoring.enrich.SpecialDayCalendar;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.Month;
import java.util.HashMap;
import java.util.Map;

/**
 * Finds a start day for a replayed session whose Month, Weekend and SpecialDay equal the row's:
 * the first such day on or after {@link #FIRST_DAY}, so the same row always gets the same day.
 */
final class ReplayDates {

    static final LocalDate FIRST_DAY = LocalDate.of(2025, 1, 1);
    private static final int SEARCH_YEARS = 40;

    private final SpecialDayCalendar calendar;
    private final Map<String, LocalDate> found = new HashMap<>();

    ReplayDates(SpecialDayCalendar calendar) {
        this.calendar = calendar;
    }

    LocalDate dayFor(Month month, boolean weekend, double specialDay) {
        return found.computeIfAbsent(month + "/" + weekend + "/" + specialDay, key -> search(month, weekend, specialDay));
    }

    private LocalDate search(Month month, boolean weekend, double specialDay) {
        LocalDate last = FIRST_DAY.plusYears(SEARCH_YEARS);
        for (LocalDate day = FIRST_DAY; day.isBefore(last); day = day.plusDays(1)) {
            if (day.getMonth() == month && isWeekend(day) == weekend && calendar.closeness(day) == specialDay) {
                return day;
            }
        }
        throw new IllegalArgumentException("no day in " + month + " with Weekend=" + weekend + " has SpecialDay=" + specialDay
                + " under the special days " + calendar + "; this row cannot be replayed with that calendar");
    }

    static boolean isWeekend(LocalDate day) {
        return day.getDayOfWeek() == DayOfWeek.SATURDAY || day.getDayOfWeek() == DayOfWeek.SUNDAY;
    }
}
