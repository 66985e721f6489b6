package com.shopintent.scoring.topology;

import java.nio.charset.StandardCharsets;
import net.jpountz.xxhash.XXHash64;
import net.jpountz.xxhash.XXHashFactory;

/** 64-bit hash of an event id (xxHash64 of its UTF-8 bytes, seed 0), what a session remembers of it. */
public final class EventIds {

    private static final XXHash64 HASH = XXHashFactory.fastestJavaInstance().hash64();

    private EventIds() {
    }

    public static long hash(String eventId) {
        byte[] bytes = eventId.getBytes(StandardCharsets.UTF_8);
        return HASH.hash(bytes, 0, bytes.length, 0L);
    }
}
