package com.shopintent.scoring.topology;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.shopintent.scoring.events.PageStats;
import java.time.Duration;
import java.util.Optional;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Page statistics as the session processor reads them: the global {@link Stores#PAGE_STATS}
 * store behind an in-process cache of parsed values, one per topology (so per application
 * instance, shared by its stream threads).
 *
 * <p>Why: every page view reads one page's statistics, and a RocksDB read plus the value's JSON
 * parse took ~9 µs, 20 % of the stream thread (docs/benchmarks.md); a hit here takes a hash
 * lookup. The store stays the source of truth (off-heap, restored from the compacted topic) and
 * the cache holds only the pages in use.
 *
 * <p>Never staler than the store: the {@link Updater}, the global store's only writer while the
 * application runs, writes the store and then invalidates the key, and Caffeine orders an
 * invalidation after a load of the same key in flight. A restore writes the store without the
 * updater; it happens at start, when the cache is empty, or when the global thread rebuilds the
 * store after its offset fell out of range; entries expire after {@link #EXPIRY} to bound that case.
 */
final class PageStatsLookup {

    /** Pages held: ~200 bytes each on the heap, so at most ~20 MB. */
    static final int MAX_PAGES = 100_000;
    static final Duration EXPIRY = Duration.ofMinutes(5);
    private static final Logger LOG = LoggerFactory.getLogger(PageStatsLookup.class);

    private final Cache<String, Optional<PageStats>> pages = Caffeine.newBuilder()
            .maximumSize(MAX_PAGES).expireAfterWrite(EXPIRY).build();

    /** The statistics of one page, or null when the store has none (or none that can be read). */
    PageStats get(ReadOnlyKeyValueStore<String, PageStats> store, String shopId, String pageId) {
        return pages.get(PageStats.key(shopId, pageId), key -> Optional.ofNullable(read(store, key))).orElse(null);
    }

    private static PageStats read(ReadOnlyKeyValueStore<String, PageStats> store, String key) {
        try {
            return store.get(key);
        } catch (SerializationException e) {
            // Only possible if an invalid value reached the store without passing the source's
            // deserializer (a restore path); the page then has no usable statistics.
            LOG.warn("Unreadable statistics for page {}: {}", key, e.getMessage());
            return null;
        }
    }

    /** Writes {@code shop.page-stats} records to the global store (null deletes), and drops the page from the cache. */
    Processor<String, PageStats, Void, Void> updater() {
        return new Updater();
    }

    private final class Updater implements Processor<String, PageStats, Void, Void> {

        private KeyValueStore<String, PageStats> store;

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            store = context.getStateStore(Stores.PAGE_STATS);
        }

        @Override
        public void process(Record<String, PageStats> record) {
            if (record.key() == null) {
                LOG.warn("A {} record without a key names no page; skipped", Topics.PAGE_STATS);
                return;
            }
            if (record.value() == null) {
                store.delete(record.key());
            } else {
                store.put(record.key(), record.value());
            }
            pages.invalidate(record.key());
        }
    }
}
