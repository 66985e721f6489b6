package com.shopintent.scoring.topology;

import java.nio.ByteBuffer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * What one scored event adds to its shop's insight window. The session step knows whether the
 * session was already counted in the window, so the window needs counters only, not sets of ids.
 *
 * @param newSession first event of its session in this window
 * @param newHighIntent first event of its session in this window at or above the high-intent threshold
 */
record InsightInput(double probability, boolean newSession, boolean newHighIntent, boolean purchase, double amount) {

    private static final int SIZE = 8 + 1 + 8;

    static Serde<InsightInput> serde() {
        return Serdes.serdeFrom((topic, in) -> {
            if (in == null) {
                return null;
            }
            byte flags = (byte) ((in.newSession ? 1 : 0) | (in.newHighIntent ? 2 : 0) | (in.purchase ? 4 : 0));
            return ByteBuffer.allocate(SIZE).putDouble(in.probability).put(flags).putDouble(in.amount).array();
        }, (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            ByteBuffer b = ByteBuffer.wrap(bytes);
            double probability = b.getDouble();
            byte flags = b.get();
            return new InsightInput(probability, (flags & 1) != 0, (flags & 2) != 0, (flags & 4) != 0, b.getDouble());
        });
    }
}
