package com.shopintent.scoring.cache;

import net.jpountz.xxhash.XXHash64;
import net.jpountz.xxhash.XXHashFactory;

/**
 * The cache key of one prediction: {@code ml_pred:<model version>:<feature hash>:<hour bucket>}.
 *
 * <ul>
 *   <li>model version: the model package's content-addressed version, so a new model never reads
 *       the old one's entries;</li>
 *   <li>feature hash: xxHash64 (seed 0) of the model input exactly as it enters the trees (model
 *       order, float precision), each float as the 4 little-endian bytes of
 *       {@link Float#floatToIntBits} (which folds every NaN, the missing value, into one), written
 *       as 16 lower-case hex digits. The same bits give the same hash on every JVM and platform;
 *       nothing is rounded, so equal keys mean equal inputs up to a 64-bit hash collision
 *       (about 1 in 10^10 among a million live keys);</li>
 *   <li>hour bucket: {@code floor(event time in ms / 3,600,000)}, so entries of an hour are
 *       written together and age out together.</li>
 * </ul>
 */
public final class CacheKey {

    public static final String PREFIX = "ml_pred:";
    static final long HOUR_MILLIS = 3_600_000L;
    private static final XXHash64 HASH = XXHashFactory.fastestJavaInstance().hash64();

    private CacheKey() {
    }

    /** xxHash64 of the input's float bits, little-endian, seed 0. */
    public static long featureHash(float[] input) {
        byte[] bytes = new byte[input.length * Float.BYTES];
        for (int i = 0; i < input.length; i++) {
            int bits = Float.floatToIntBits(input[i]);
            int at = i * Float.BYTES;
            bytes[at] = (byte) bits;
            bytes[at + 1] = (byte) (bits >>> 8);
            bytes[at + 2] = (byte) (bits >>> 16);
            bytes[at + 3] = (byte) (bits >>> 24);
        }
        return HASH.hash(bytes, 0, bytes.length, 0L);
    }

    public static long hourBucket(long eventTimeMillis) {
        return Math.floorDiv(eventTimeMillis, HOUR_MILLIS);
    }

    public static String of(String modelVersion, long featureHash, long hourBucket) {
        String hex = Long.toHexString(featureHash);
        return PREFIX + modelVersion + ':' + "0".repeat(16 - hex.length()) + hex + ':' + hourBucket;
    }
}
