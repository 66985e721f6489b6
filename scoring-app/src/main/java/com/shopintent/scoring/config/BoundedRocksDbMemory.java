package com.shopintent.scoring.config;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

/**
 * One bound on the off-heap memory of every RocksDB store of this JVM together: a block cache
 * shared by all stores, which also holds their index and filter blocks and is charged for their
 * memtables (a write buffer manager flushes the largest memtable once memtables reach half of it).
 *
 * <p>Why: by Kafka Streams' defaults each store instance, one per partition, has its own 50 MB
 * block cache and up to three 16 MB memtables, allocated as used; an instance holding six session
 * partitions and the page-stats store grew by hundreds of MB over minutes (docs/benchmarks.md).
 * With this bound the total is fixed whatever the number of partitions an instance holds.
 *
 * <p>The cache and the write buffer manager are shared by every store and live as long as the
 * JVM, one pair per configured size, so they are not closed with a store.
 */
public final class BoundedRocksDbMemory implements RocksDBConfigSetter {

    /** The Streams property holding the bound in bytes; {@link ScoringConfig} sets it from SCORING_ROCKSDB_MEMORY_MB. */
    public static final String MEMORY_BYTES_CONFIG = "scoring.rocksdb.memory.bytes";
    /** Index and filter blocks go to the high-priority part of the cache, so data blocks do not push them out. */
    private static final double HIGH_PRIORITY_RATIO = 0.1;

    private static final Map<Long, Shared> SHARED = new ConcurrentHashMap<>();

    private record Shared(Cache cache, WriteBufferManager writeBuffers) {
    }

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        Shared shared = SHARED.computeIfAbsent(memoryBytes(configs), BoundedRocksDbMemory::allocate);
        BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
        table.setBlockCache(shared.cache());
        table.setCacheIndexAndFilterBlocks(true);
        table.setCacheIndexAndFilterBlocksWithHighPriority(true);
        table.setPinTopLevelIndexAndFilter(true);
        options.setTableFormatConfig(table);
        options.setWriteBufferManager(shared.writeBuffers());
    }

    @Override
    public void close(String storeName, Options options) {
        // The cache and the write buffer manager are shared by every store; see the class comment.
    }

    /** The bound from the Streams properties; set by {@link ScoringConfig#streamsProperties()}, so missing is a bug. */
    static long memoryBytes(Map<String, Object> configs) {
        Object value = configs.get(MEMORY_BYTES_CONFIG);
        long bytes;
        try {
            bytes = Long.parseLong(String.valueOf(value).trim());
        } catch (NumberFormatException e) {
            bytes = 0;
        }
        if (bytes <= 0) {
            throw new ConfigException(MEMORY_BYTES_CONFIG + " must be a positive number of bytes, not " + value);
        }
        return bytes;
    }

    private static Shared allocate(long bytes) {
        Cache cache = new LRUCache(bytes, -1, false, HIGH_PRIORITY_RATIO);
        return new Shared(cache, new WriteBufferManager(bytes / 2, cache));
    }
}
