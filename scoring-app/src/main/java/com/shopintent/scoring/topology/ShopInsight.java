package com.shopintent.scoring.topology;

import java.nio.ByteBuffer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/** The running totals of one shop's insight window. */
record ShopInsight(long events, long activeSessions, long highIntentSessions, double probabilitySum,
                   long purchases, double purchaseAmount) {

    static final ShopInsight EMPTY = new ShopInsight(0, 0, 0, 0, 0, 0);
    private static final int SIZE = 6 * 8;

    ShopInsight add(InsightInput in) {
        return new ShopInsight(events + 1, activeSessions + (in.newSession() ? 1 : 0),
                highIntentSessions + (in.newHighIntent() ? 1 : 0), probabilitySum + in.probability(),
                purchases + (in.purchase() ? 1 : 0), purchaseAmount + in.amount());
    }

    double meanProbability() {
        return events == 0 ? 0 : probabilitySum / events;
    }

    static Serde<ShopInsight> serde() {
        return Serdes.serdeFrom((topic, s) -> s == null ? null : ByteBuffer.allocate(SIZE).putLong(s.events)
                .putLong(s.activeSessions).putLong(s.highIntentSessions).putDouble(s.probabilitySum)
                .putLong(s.purchases).putDouble(s.purchaseAmount).array(), (topic, bytes) -> {
                    if (bytes == null) {
                        return null;
                    }
                    ByteBuffer b = ByteBuffer.wrap(bytes);
                    return new ShopInsight(b.getLong(), b.getLong(), b.getLong(), b.getDouble(), b.getLong(), b.getDouble());
                });
    }
}
