package com.shopintent.scoring.topology;

import com.shopintent.scoring.events.EventParser;
import com.shopintent.scoring.events.ParseResult;
import com.shopintent.scoring.events.RejectReason;
import com.shopintent.scoring.events.Rejection;
import com.shopintent.scoring.events.ShopEvent;
import com.shopintent.scoring.metrics.ScoringMetrics;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Reads {@link Topics#EVENTS} bytes once: a valid event is forwarded keyed by its session id and
 * stamped with its own event time (so stream time is event time); a record without a key is sent
 * to be re-keyed; anything else becomes a dead letter with the reason in its headers.
 *
 * <p>An event whose timestamp is further ahead of this instance's clock than
 * {@code SCORING_MAX_EVENT_AHEAD} is rejected as {@code bad-timestamp} here, before anything keeps
 * its time: see {@link com.shopintent.scoring.config.ScoringConfig#MAX_EVENT_AHEAD}.
 */
final class EventParseProcessor implements Processor<byte[], byte[], String, ParseOutput> {

    private final EventParser parser;
    private final Duration maxAhead;
    private final ScoringMetrics metrics;
    private ProcessorContext<String, ParseOutput> context;

    EventParseProcessor(EventParser parser, Duration maxAhead, ScoringMetrics metrics) {
        this.parser = parser;
        this.maxAhead = maxAhead;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, ParseOutput> context) {
        this.context = context;
    }

    @Override
    public void process(Record<byte[], byte[]> input) {
        Record<byte[], byte[]> record = withoutForgedOrigin(input);
        ParseResult result = parser.parse(record.key(), record.value());
        // A re-keyed record came without a key: its dead letter must say so, not carry our key.
        byte[] originalKey = DeadLetterHeaders.cameWithoutKey(record.headers()) ? null : record.key();
        if (result instanceof ParseResult.Invalid invalid) {
            deadLetter(record, originalKey, invalid.rejection());
            return;
        }
        ShopEvent event = ((ParseResult.Valid) result).event();
        long aheadMillis = event.timeMillis() - context.currentSystemTimeMs();
        if (aheadMillis > maxAhead.toMillis()) {
            deadLetter(record, originalKey, new Rejection(RejectReason.BAD_TIMESTAMP, "timestamp "
                    + Instant.ofEpochSecond(0, event.timeNanos()) + " is " + Duration.ofMillis(aheadMillis)
                    + " ahead of this instance's clock; at most " + maxAhead + " is accepted (SCORING_MAX_EVENT_AHEAD)"));
            return;
        }
        if (record.key() == null) {
            context.forward(new Record<String, ParseOutput>(event.sessionId(), new ParseOutput.Rekey(event.sessionId(), record.value()),
                    record.timestamp(), DeadLetterHeaders.withOrigin(record.headers(), context)));
            return;
        }
        context.forward(new Record<String, ParseOutput>(event.sessionId(), new ParseOutput.Parsed(event, originalKey, record.value()),
                event.timeMillis(), new RecordHeaders(record.headers().toArray())));
    }

    private void deadLetter(Record<byte[], byte[]> record, byte[] originalKey, Rejection rejection) {
        metrics.deadLetter(rejection.reason());
        context.forward(new Record<String, ParseOutput>(null, new DeadLetter(originalKey, record.value()),
                record.timestamp(), DeadLetterHeaders.forRejection(record.headers(), rejection, context)));
    }

    /**
     * The record without the internal {@code scoring.origin.*} headers when it was read from the shops'
     * topic: there they can only be a producer's, and trusting them dropped the key of its dead letter,
     * and a lone {@code scoring.origin.topic} failed the dead letter's headers and so stopped the
     * stream thread on every restart. Only the re-keying topic's records carry ours.
     */
    private Record<byte[], byte[]> withoutForgedOrigin(Record<byte[], byte[]> record) {
        boolean fromShops = context.recordMetadata().map(metadata -> Topics.EVENTS.equals(metadata.topic())).orElse(false);
        if (!fromShops || !DeadLetterHeaders.cameWithoutKey(record.headers())) {
            return record;
        }
        Headers kept = new RecordHeaders();
        for (Header header : record.headers()) {
            if (!DeadLetterHeaders.isOrigin(header.key())) {
                kept.add(header);
            }
        }
        return record.withHeaders(kept);
    }
}
