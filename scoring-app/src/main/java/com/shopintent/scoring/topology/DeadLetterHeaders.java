package com.shopintent.scoring.topology;

import com.shopintent.scoring.events.Rejection;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.ProcessingContext;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Headers of a dead-letter record: why it was rejected and where it came from. The original
 * headers are kept; these are added.
 */
public final class DeadLetterHeaders {

    public static final String REASON = "dlq.reason";
    public static final String DETAIL = "dlq.detail";
    public static final String SOURCE_TOPIC = "dlq.source.topic";
    public static final String SOURCE_PARTITION = "dlq.source.partition";
    public static final String SOURCE_OFFSET = "dlq.source.offset";

    /**
     * Where a record without a key was read, carried through the repartition topic so its dead
     * letter names the shop's topic, not an internal one.
     */
    static final String ORIGIN_TOPIC = "scoring.origin.topic";
    static final String ORIGIN_PARTITION = "scoring.origin.partition";
    static final String ORIGIN_OFFSET = "scoring.origin.offset";

    private DeadLetterHeaders() {
    }

    static Headers forRejection(Headers original, Rejection rejection, ProcessingContext context) {
        RecordHeaders headers = new RecordHeaders();
        for (Header header : original) {
            if (!isOrigin(header.key())) {
                headers.add(header);
            }
        }
        headers.add(REASON, utf8(rejection.reason().code()));
        headers.add(DETAIL, utf8(rejection.detail()));
        Header originTopic = original.lastHeader(ORIGIN_TOPIC);
        if (originTopic != null) {
            headers.add(SOURCE_TOPIC, originTopic.value());
            headers.add(SOURCE_PARTITION, original.lastHeader(ORIGIN_PARTITION).value());
            headers.add(SOURCE_OFFSET, original.lastHeader(ORIGIN_OFFSET).value());
        } else {
            RecordMetadata metadata = context.recordMetadata().orElse(null);
            if (metadata != null) {
                headers.add(SOURCE_TOPIC, utf8(metadata.topic()));
                headers.add(SOURCE_PARTITION, utf8(Integer.toString(metadata.partition())));
                headers.add(SOURCE_OFFSET, utf8(Long.toString(metadata.offset())));
            }
        }
        return headers;
    }

    static boolean isOrigin(String headerKey) {
        return headerKey.startsWith("scoring.origin.");
    }

    static boolean cameWithoutKey(Headers headers) {
        return headers.lastHeader(ORIGIN_TOPIC) != null;
    }

    /** Headers marking where a keyless record was read, before it goes through the repartition topic. */
    static Headers withOrigin(Headers original, ProcessingContext context) {
        RecordHeaders headers = new RecordHeaders(original.toArray());
        context.recordMetadata().ifPresent(metadata -> {
            headers.add(ORIGIN_TOPIC, utf8(metadata.topic()));
            headers.add(ORIGIN_PARTITION, utf8(Integer.toString(metadata.partition())));
            headers.add(ORIGIN_OFFSET, utf8(Long.toString(metadata.offset())));
        });
        return headers;
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
