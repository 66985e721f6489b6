package com.shopintent.scoring.topology;

import com.shopintent.scoring.events.EventParser;
import com.shopintent.scoring.events.ParseResult;
import com.shopintent.scoring.events.ShopEvent;
import com.shopintent.scoring.metrics.ScoringMetrics;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Reads {@link Topics#EVENTS} bytes once: a valid event is forwarded keyed by its session id and
 * stamped with its own event time (so stream time is event time); a record without a key is sent
 * to be re-keyed; anything else becomes a dead letter with the reason in its headers.
 */
final class EventParseProcessor implements Processor<byte[], byte[], String, ParseOutput> {

    private final EventParser parser;
    private final ScoringMetrics metrics;
    private ProcessorContext<String, ParseOutput> context;

    EventParseProcessor(EventParser parser, ScoringMetrics metrics) {
        this.parser = parser;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, ParseOutput> context) {
        this.context = context;
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        ParseResult result = parser.parse(record.key(), record.value());
        // A re-keyed record came without a key: its dead letter must say so, not carry our key.
        byte[] originalKey = DeadLetterHeaders.cameWithoutKey(record.headers()) ? null : record.key();
        if (result instanceof ParseResult.Invalid invalid) {
            metrics.deadLetter(invalid.rejection().reason());
            context.forward(new Record<String, ParseOutput>(null, new DeadLetter(originalKey, record.value()),
                    record.timestamp(), DeadLetterHeaders.forRejection(record.headers(), invalid.rejection(), context)));
            return;
        }
        ShopEvent event = ((ParseResult.Valid) result).event();
        if (record.key() == null) {
            context.forward(new Record<String, ParseOutput>(event.sessionId(), new ParseOutput.Rekey(event.sessionId(), record.value()),
                    record.timestamp(), DeadLetterHeaders.withOrigin(record.headers(), context)));
            return;
        }
        context.forward(new Record<String, ParseOutput>(event.sessionId(), new ParseOutput.Parsed(event, originalKey, record.value()),
                event.timeMillis(), new RecordHeaders(record.headers().toArray())));
    }
}
