package com.shopintent.scoring.topology;

import com.shopintent.scoring.metrics.ScoringMetrics;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The W3C Trace Context headers that an event of {@link Topics#EVENTS} hands on to its prediction in
 * {@link Topics#PREDICTIONS}: a valid {@code traceparent}, with the {@code tracestate} beside it. They
 * are carried byte for byte, not acted on: the application starts no span of its own, so to a tracing
 * back end a prediction belongs to the span that produced its event.
 *
 * <p>A {@code traceparent} is valid as the Trace Context recommendation parses it: a version of two
 * lower-case hex digits other than {@code ff}; then {@code -}, a 32-digit trace id, {@code -}, a
 * 16-digit parent id, {@code -}, two digits of flags, all lower-case hex and neither id all zeros;
 * exactly that for version {@code 00}, and for a later version anything more only after a further
 * {@code -}. A record with two {@code traceparent} headers has none that can be trusted.
 */
public final class TraceContext {

    public static final String TRACEPARENT = "traceparent";
    public static final String TRACESTATE = "tracestate";
    /**
     * Longest {@code tracestate} carried, its headers' values together: the recommendation asks every
     * hop to carry 512 characters. A longer one is dropped whole, since carried means unchanged.
     */
    public static final int MAX_TRACESTATE_BYTES = 512;

    private static final int TRACEPARENT_LENGTH = 55;

    private TraceContext() {
    }

    /**
     * The headers for the prediction of an event that came with these headers: its trace headers when
     * its {@code traceparent} is valid, else none. An invalid {@code traceparent} is counted, not an
     * error: the event is scored all the same.
     */
    static Headers forPrediction(Headers eventHeaders, ScoringMetrics metrics) {
        RecordHeaders headers = new RecordHeaders();
        Header traceparent = null;
        for (Header header : eventHeaders.headers(TRACEPARENT)) {
            if (traceparent != null) {
                metrics.invalidTraceContext();
                return headers;
            }
            traceparent = header;
        }
        if (traceparent == null) {
            return headers;
        }
        if (!isValidTraceparent(traceparent.value())) {
            metrics.invalidTraceContext();
            return headers;
        }
        headers.add(traceparent);
        List<Header> states = new ArrayList<>(1);
        int stateBytes = 0;
        for (Header state : eventHeaders.headers(TRACESTATE)) {
            if (state.value() != null) {
                states.add(state);
                stateBytes += state.value().length;
            }
        }
        if (stateBytes <= MAX_TRACESTATE_BYTES) {
            states.forEach(headers::add);
        }
        return headers;
    }

    /** Whether these bytes are a {@code traceparent} as the class comment describes. */
    static boolean isValidTraceparent(byte[] value) {
        if (value == null || value.length < TRACEPARENT_LENGTH || !isLowerHex(value, 0, 2) || (value[0] == 'f' && value[1] == 'f')) {
            return false;
        }
        boolean version00 = value[0] == '0' && value[1] == '0';
        if (version00 ? value.length != TRACEPARENT_LENGTH : value.length > TRACEPARENT_LENGTH && value[TRACEPARENT_LENGTH] != '-') {
            return false;
        }
        return value[2] == '-' && isLowerHex(value, 3, 32) && !isAllZeros(value, 3, 32)
                && value[35] == '-' && isLowerHex(value, 36, 16) && !isAllZeros(value, 36, 16)
                && value[52] == '-' && isLowerHex(value, 53, 2);
    }

    private static boolean isLowerHex(byte[] value, int from, int length) {
        for (int i = from; i < from + length; i++) {
            if (!((value[i] >= '0' && value[i] <= '9') || (value[i] >= 'a' && value[i] <= 'f'))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isAllZeros(byte[] value, int from, int length) {
        for (int i = from; i < from + length; i++) {
            if (value[i] != '0') {
                return false;
            }
        }
        return true;
    }
}
