package com.shopintent.scoring.features;

import com.shopintent.scoring.events.VisitorType;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Compact binary form of {@link SessionState} for the session store and its changelog. The first
 * byte is the format version, so a later version can still read state written by this one.
 */
public final class SessionStateSerde implements Serde<SessionState> {

    private static final byte FORMAT_V1 = 1;
    private static final byte KIND_OPEN = 0;
    private static final byte KIND_CLOSED = 1;

    @Override
    public Serializer<SessionState> serializer() {
        return (topic, state) -> state == null ? null : write(state);
    }

    @Override
    public Deserializer<SessionState> deserializer() {
        return (topic, bytes) -> bytes == null ? null : read(bytes);
    }

    static byte[] write(SessionState s) {
        byte[] shop = utf8(s.shopId);
        if (s.isClosed()) {
            return ByteBuffer.allocate(2 + 8 + 4 + shop.length)
                    .put(FORMAT_V1).put(KIND_CLOSED).putLong(s.closedAtNanos)
                    .putInt(shop.length).put(shop).array();
        }
        byte[] visitor = utf8(s.visitorId);
        byte[] version = s.lastModelVersion == null ? new byte[0] : utf8(s.lastModelVersion);
        int remembered = Math.min(s.eventCount, s.eventIdHashes.length);
        int size = 2 + 4 + shop.length + 4 + visitor.length + 8 + 8 + 3 * 4 + 3 * 8 + 1 + 4 + 3 * 8
                + 4 * 4 + 1 + 1 + 8 + 4 + 4 + 8 * remembered + 8 + 4 + version.length + 8 + 8;
        ByteBuffer b = ByteBuffer.allocate(size);
        b.put(FORMAT_V1).put(KIND_OPEN);
        b.putInt(shop.length).put(shop).putInt(visitor.length).put(visitor);
        b.putLong(s.firstEventNanos).putLong(s.lastEventNanos);
        for (int count : s.pageViews) {
            b.putInt(count);
        }
        for (long nanos : s.durationNanos) {
            b.putLong(nanos);
        }
        b.put(s.openCategory).putInt(s.statsPageViews);
        b.putDouble(s.bounceRateSum).putDouble(s.exitRateSum).putDouble(s.pageValueSum);
        b.putInt(s.operatingSystem).putInt(s.browser).putInt(s.region).putInt(s.trafficType);
        b.put(s.visitorType == null ? -1 : (byte) s.visitorType.ordinal());
        b.put(s.purchased ? (byte) 1 : 0).putDouble(s.purchaseAmount);
        b.putInt(s.eventCount).putInt(s.eventIdHashes.length);
        for (int i = 0; i < remembered; i++) {
            b.putLong(s.eventIdHashes[i]);
        }
        b.putDouble(s.lastProbability).putInt(version.length).put(version);
        b.putLong(s.activeWindow).putLong(s.highIntentWindow);
        return b.array();
    }

    static SessionState read(byte[] bytes) {
        try {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            byte format = b.get();
            if (format != FORMAT_V1) {
                throw new SerializationException("session state has format " + format + ", this build reads " + FORMAT_V1);
            }
            byte kind = b.get();
            if (kind == KIND_CLOSED) {
                long closedAt = b.getLong();
                return SessionState.closedMarker(string(b), closedAt);
            }
            SessionState s = new SessionState();
            s.shopId = string(b);
            s.visitorId = string(b);
            s.firstEventNanos = b.getLong();
            s.lastEventNanos = b.getLong();
            for (int i = 0; i < s.pageViews.length; i++) {
                s.pageViews[i] = b.getInt();
            }
            for (int i = 0; i < s.durationNanos.length; i++) {
                s.durationNanos[i] = b.getLong();
            }
            s.openCategory = b.get();
            s.statsPageViews = b.getInt();
            s.bounceRateSum = b.getDouble();
            s.exitRateSum = b.getDouble();
            s.pageValueSum = b.getDouble();
            s.operatingSystem = b.getInt();
            s.browser = b.getInt();
            s.region = b.getInt();
            s.trafficType = b.getInt();
            byte visitorType = b.get();
            s.visitorType = visitorType < 0 ? null : VisitorType.values()[visitorType];
            s.purchased = b.get() == 1;
            s.purchaseAmount = b.getDouble();
            s.eventCount = b.getInt();
            int capacity = b.getInt();
            s.eventIdHashes = new long[Math.max(capacity, 1)];
            int remembered = Math.min(s.eventCount, capacity);
            for (int i = 0; i < remembered; i++) {
                s.eventIdHashes[i] = b.getLong();
            }
            s.lastProbability = b.getDouble();
            String version = string(b);
            s.lastModelVersion = version.isEmpty() ? null : version;
            s.activeWindow = b.getLong();
            s.highIntentWindow = b.getLong();
            return s;
        } catch (RuntimeException e) {
            if (e instanceof SerializationException) {
                throw e;
            }
            throw new SerializationException("session state of " + bytes.length + " bytes is corrupt", e);
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String string(ByteBuffer b) {
        byte[] bytes = new byte[b.getInt()];
        b.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
