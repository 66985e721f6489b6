package com.shopintent.scoring.cli;

import com.shopintent.scoring.loadgen.LoadGenerator;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;

/** The load generator's options, shared by {@code loadgen} and {@code demo}. */
final class LoadOptions {

    @Option(names = "--rate", defaultValue = "2000", description = "events per second, open loop (default: ${DEFAULT-VALUE})")
    double rate;

    @Option(names = "--duration", defaultValue = "60s", converter = DurationConverter.class,
            description = "how long to send: 60s, 5m or ISO-8601 PT60S (default: ${DEFAULT-VALUE})")
    Duration duration;

    @Option(names = "--warm-up", defaultValue = "0s", converter = DurationConverter.class,
            description = "load before the measured part, at least this long and until the pipeline has caught up, "
                    + "at most twice as long (default: ${DEFAULT-VALUE})")
    Duration warmUp;

    @Option(names = "--shops", defaultValue = "500", description = "number of shops, Zipf-like popularity (default: ${DEFAULT-VALUE})")
    int shops;

    @Option(names = "--bad-fraction", defaultValue = "0", description = "share of extra malformed events, 0 to <1 (default: ${DEFAULT-VALUE})")
    double badFraction;

    @Option(names = "--speed-up", defaultValue = "60",
            description = "event time runs this many times faster than the wall clock, so sessions complete in a short run (default: ${DEFAULT-VALUE})")
    double speedUp;

    @Option(names = "--seed", defaultValue = "1", description = "seed of the session and shop draws (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--drain-timeout", defaultValue = "30s", converter = DurationConverter.class,
            description = "how long to wait for the last predictions after sending stops (default: ${DEFAULT-VALUE})")
    Duration drainTimeout;

    LoadGenerator.Settings settings() {
        return new LoadGenerator.Settings(rate, duration, warmUp, shops, badFraction, seed, speedUp, drainTimeout);
    }

    /** Reads {@code 60s}, {@code 5m}, {@code 1h}, {@code 500ms} or an ISO-8601 duration. */
    static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String text) {
            String t = text.trim().toLowerCase(java.util.Locale.ROOT);
            try {
                if (t.startsWith("p")) {
                    return Duration.parse(text.trim().toUpperCase(java.util.Locale.ROOT));
                }
                if (t.endsWith("ms")) {
                    return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
                }
                long amount = Long.parseLong(t.substring(0, t.length() - 1));
                return switch (t.charAt(t.length() - 1)) {
                    case 's' -> Duration.ofSeconds(amount);
                    case 'm' -> Duration.ofMinutes(amount);
                    case 'h' -> Duration.ofHours(amount);
                    default -> throw new IllegalArgumentException();
                };
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("'" + text + "' is not a duration such as 60s, 5m, 1h, 500ms or PT60S");
            }
        }
    }
}
