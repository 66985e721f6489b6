package com.shopintent.scoring.loadgen;

import com.shopintent.scoring.topology.EventIds;
import java.util.Arrays;

/**
 * The ids of the events whose predictions were read, to count duplicates at the end of a run: the
 * 64-bit hash of each id in one growing {@code long} array. A set of the id strings held objects
 * for each of the 1.8 million events of a latency run: the bench's JVM (the load generator's; the
 * broker runs in a child JVM) ended such a run with 1.3 GB of heap after a young collection
 * instead of 0.3 GB, and paused for GC twice as long (docs/benchmarks.md); an array is one
 * object. Two ids with the same 64-bit hash would count as a duplicate: for a run's few million
 * ids, a chance of about one in ten million.
 */
final class PredictedIds {

    private long[] hashes = new long[1 << 16];
    private int size;

    synchronized void add(String eventId) {
        if (size == hashes.length) {
            hashes = Arrays.copyOf(hashes, size * 2);
        }
        hashes[size++] = EventIds.hash(eventId);
    }

    /** Predictions read after the first of the same event. */
    synchronized long duplicates() {
        long[] sorted = Arrays.copyOf(hashes, size);
        Arrays.sort(sorted);
        long duplicates = 0;
        for (int i = 1; i < sorted.length; i++) {
            if (sorted[i] == sorted[i - 1]) {
                duplicates++;
            }
        }
        return duplicates;
    }
}
