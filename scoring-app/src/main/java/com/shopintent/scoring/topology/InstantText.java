package com.shopintent.scoring.topology;

import java.time.Instant;
import java.time.LocalDate;

/**
 * {@link Instant#toString()}'s text (ISO-8601 in UTC, the fraction in groups of three digits as
 * needed), written without a {@code DateTimeFormatter}: formatting the two instants of every
 * prediction that way was 30 % of its JSON (docs/benchmarks.md). Years outside 0000-9999, which
 * {@code Instant} prints with a sign, go to {@code Instant} itself.
 */
final class InstantText {

    /** 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z in epoch seconds. */
    private static final long FIRST_SECOND = -62_167_219_200L;
    private static final long LAST_SECOND = 253_402_300_799L;

    private InstantText() {
    }

    static String ofEpochNanos(long epochNanos) {
        return format(Math.floorDiv(epochNanos, 1_000_000_000L), (int) Math.floorMod(epochNanos, 1_000_000_000L));
    }

    static String ofEpochMillis(long epochMillis) {
        return format(Math.floorDiv(epochMillis, 1_000L), (int) Math.floorMod(epochMillis, 1_000L) * 1_000_000);
    }

    static String format(long epochSecond, int nano) {
        if (epochSecond < FIRST_SECOND || epochSecond > LAST_SECOND) {
            return Instant.ofEpochSecond(epochSecond, nano).toString();
        }
        LocalDate date = LocalDate.ofEpochDay(Math.floorDiv(epochSecond, 86_400L));
        int secondOfDay = (int) Math.floorMod(epochSecond, 86_400L);
        char[] text = new char[30];
        digits(text, 0, date.getYear(), 4);
        text[4] = '-';
        digits(text, 5, date.getMonthValue(), 2);
        text[7] = '-';
        digits(text, 8, date.getDayOfMonth(), 2);
        text[10] = 'T';
        digits(text, 11, secondOfDay / 3_600, 2);
        text[13] = ':';
        digits(text, 14, secondOfDay / 60 % 60, 2);
        text[16] = ':';
        digits(text, 17, secondOfDay % 60, 2);
        int end = 19;
        if (nano > 0) {
            text[end++] = '.';
            if (nano % 1_000_000 == 0) {
                end = digits(text, end, nano / 1_000_000, 3);
            } else if (nano % 1_000 == 0) {
                end = digits(text, end, nano / 1_000, 6);
            } else {
                end = digits(text, end, nano, 9);
            }
        }
        text[end++] = 'Z';
        return new String(text, 0, end);
    }

    /** Writes {@code value} as {@code width} decimal digits, zero-padded, at {@code from}; returns the index after them. */
    private static int digits(char[] text, int from, int value, int width) {
        for (int i = from + width - 1; i >= from; i--) {
            text[i] = (char) ('0' + value % 10);
            value /= 10;
        }
        return from + width;
    }
}
