package com.shopintent.scoring.cli;

import com.shopintent.scoring.loadgen.LoadGenerator;
import com.shopintent.scoring.loadgen.LoadReport;
import java.io.PrintWriter;
import java.util.function.LongSupplier;

/** Live progress on one updating line (on a terminal) or one line per update (in a log), and the summary. */
final class ProgressPrinter {

    private final PrintWriter out;
    private final boolean terminal = System.console() != null;
    private final LongSupplier openSessions;

    ProgressPrinter(PrintWriter out, LongSupplier openSessions) {
        this.out = out;
        this.openSessions = openSessions;
    }

    void update(LoadGenerator.Progress p) {
        String line = String.format("produced %,d  predicted %,d  %,.0f ev/s  latency p50 %s p95 %s p99 %s ms  dlq %,d  sessions open %s",
                p.produced(), p.predicted(), p.predictionsPerSecond(), ms(p.p50Ms()), ms(p.p95Ms()), ms(p.p99Ms()),
                p.deadLettered(), openSessions == null ? "-" : String.format("%,d", openSessions.getAsLong()));
        if (terminal) {
            out.print("\r" + line + "   ");
        } else {
            out.println(line);
        }
        out.flush();
    }

    void summary(LoadReport r) {
        if (terminal) {
            out.println();
        }
        out.println();
        if (r.warmUp() != null) {
            LoadReport w = r.warmUp();
            out.printf("  %-22s %,15.0f s, %,d events, %,d missing; latency p50 %s  p99 %s (not counted below)%n", "warm-up", w.durationSeconds(),
                    w.produced(), w.missing(), ms(w.latencyMs().p50()), ms(w.latencyMs().p99()));
        }
        out.printf("  %-22s %,15d%n", "events produced", r.produced());
        out.printf("  %-22s %,15d%n", "predictions", r.predicted());
        out.printf("  %-22s %,15d%n", "missing", r.missing());
        out.printf("  %-22s %,15d%n", "send errors", r.sendErrors());
        out.printf("  %-22s %,15d%n", "duplicated", r.duplicated());
        out.printf("  %-22s %,15d%n", "bad events sent", r.badSent());
        out.printf("  %-22s %,15d%n", "dead-lettered", r.deadLettered());
        out.printf("  %-22s %,15d%n", "sessions started", r.sessionsStarted());
        out.printf("  %-22s %,15.0f  (target %,.0f%s)%n", "events/s sent", r.eventsPerSecond(), r.targetRate(),
                r.fellBehind() ? ", fell behind by up to " + Math.round(r.maxBehindMs()) + " ms" : "");
        LoadReport.Latency l = r.latencyMs();
        out.printf("  %-22s p50 %s  p95 %s  p99 %s  p99.9 %s  max %s%n", "latency (ms)", ms(l.p50()), ms(l.p95()), ms(l.p99()),
                ms(l.p999()), ms(l.max()));
        LoadReport.Split split = r.latencySplitMs();
        out.printf("  %-22s p50 %s  p99 %s;  scored to read: p50 %s  p99 %s%n", "send to scored (ms)", ms(split.sendToScored().p50()),
                ms(split.sendToScored().p99()), ms(split.scoredToRead().p50()), ms(split.scoredToRead().p99()));
        out.flush();
    }

    private static String ms(double value) {
        return Double.isNaN(value) ? "-" : String.format("%.1f", value);
    }
}
