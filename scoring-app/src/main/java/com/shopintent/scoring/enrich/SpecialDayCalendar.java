package com.shopintent.scoring.enrich;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.Month;
import java.time.MonthDay;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Closeness of a day to a special day (the data set's {@code SpecialDay}), from a configured list
 * of special days.
 *
 * <p>The rule: with {@code d} the number of days from the visit to a special day,
 * closeness = max(0, 1 − 0.2·|d − 8|). It is 1 eight days before the day (orders placed then are
 * delivered in time), falls by 0.2 a day on either side and is 0 outside 4..12 days before; over
 * several special days the largest value wins. This follows the data set's description (non-zero
 * from about twelve days before Valentine's Day, peaking about a week before) and reproduces its
 * pattern for Mother's Day: a closeness of 1 always falls on a Saturday, the others on weekdays.
 *
 * <p>A special day is written {@code MM-DD} (a fixed date, {@code 02-14}) or {@code MM-DAY-N}
 * (the N-th such weekday of the month, {@code 05-SUN-2} for the second Sunday of May).
 */
public final class SpecialDayCalendar {

    public static final String DEFAULT_SPEC = "02-14,05-SUN-2";
    static final int PEAK_DAYS_BEFORE = 8;
    static final int STEPS = 5;

    private final List<Rule> rules;

    private SpecialDayCalendar(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    public static SpecialDayCalendar defaults() {
        return parse(DEFAULT_SPEC);
    }

    /** Parses a comma-separated list; throws with the offending entry and the accepted forms. */
    public static SpecialDayCalendar parse(String spec) {
        List<Rule> rules = new ArrayList<>();
        for (String entry : spec.split(",")) {
            String item = entry.trim();
            if (!item.isEmpty()) {
                rules.add(Rule.parse(item));
            }
        }
        return new SpecialDayCalendar(rules);
    }

    /** Closeness of {@code day} to the nearest configured special day: 0, 0.2, ..., 1. */
    public double closeness(LocalDate day) {
        int best = 0;
        for (Rule rule : rules) {
            // The special day of this year, or of next year for visits late in December.
            for (int year = day.getYear(); year <= day.getYear() + 1; year++) {
                long daysBefore = ChronoUnit.DAYS.between(day, rule.in(year));
                long steps = STEPS - Math.abs(daysBefore - PEAK_DAYS_BEFORE);
                best = (int) Math.max(best, steps);
            }
        }
        // k / 5.0 is the double nearest to 0.2, 0.4, ...: the same value the data set's text parses to.
        return best / (double) STEPS;
    }

    @Override
    public String toString() {
        return String.join(",", rules.stream().map(Rule::text).toList());
    }

    private record Rule(String text, MonthDay fixed, Month month, DayOfWeek weekday, int ordinal) {

        static Rule parse(String text) {
            String[] parts = text.split("-");
            try {
                Month month = Month.of(Integer.parseInt(parts[0]));
                if (parts.length == 2) {
                    return new Rule(text, MonthDay.of(month, Integer.parseInt(parts[1])), month, null, 0);
                }
                if (parts.length == 3) {
                    DayOfWeek weekday = weekday(parts[1]);
                    int ordinal = Integer.parseInt(parts[2]);
                    if (ordinal >= 1 && ordinal <= 4) {
                        return new Rule(text, null, month, weekday, ordinal);
                    }
                }
            } catch (RuntimeException e) {
                throw invalid(text, e);
            }
            throw invalid(text, null);
        }

        LocalDate in(int year) {
            if (fixed != null) {
                return fixed.atYear(year);
            }
            return LocalDate.of(year, month, 1).with(TemporalAdjusters.dayOfWeekInMonth(ordinal, weekday));
        }

        private static DayOfWeek weekday(String text) {
            String upper = text.toUpperCase(Locale.ROOT);
            for (DayOfWeek day : DayOfWeek.values()) {
                if (day.name().startsWith(upper) && upper.length() == 3) {
                    return day;
                }
            }
            throw new IllegalArgumentException("unknown weekday " + text);
        }

        private static IllegalArgumentException invalid(String text, Exception cause) {
            return new IllegalArgumentException("special day '" + text
                    + "' is neither MM-DD (02-14) nor MM-DAY-N with DAY one of MON..SUN and N 1..4 (05-SUN-2)", cause);
        }
    }
}
