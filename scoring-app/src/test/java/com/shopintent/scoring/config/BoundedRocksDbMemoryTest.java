package com.shopintent.scoring.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;

/** Real RocksDB databases (a library, no server) configured as Kafka Streams would with the setter. */
class BoundedRocksDbMemoryTest {

    private static final long BOUND = 4L * 1024 * 1024;

    static {
        RocksDB.loadLibrary();
    }

    @Test
    void shouldShareOneWriteBufferManagerAndFlushMemtablesAtHalfTheBoundAcrossStores(@TempDir Path dir) throws Exception {
        Map<String, Object> configs = Map.of(BoundedRocksDbMemory.MEMORY_BYTES_CONFIG, BOUND);
        List<Options> options = new ArrayList<>();
        List<RocksDB> databases = new ArrayList<>();
        try {
            for (String store : List.of("sessions-0", "sessions-1")) {
                Options storeOptions = streamsLikeOptions();
                new BoundedRocksDbMemory().setConfig(store, storeOptions, configs);
                options.add(storeOptions);
                databases.add(RocksDB.open(storeOptions, Files.createDirectories(dir.resolve(store)).toString()));
            }
            assertThat(options.get(0).writeBufferManager()).isNotNull().isSameAs(options.get(1).writeBufferManager());
            BlockBasedTableConfig table = (BlockBasedTableConfig) options.get(0).tableFormatConfig();
            assertThat(table.cacheIndexAndFilterBlocks()).isTrue();

            // 3 MB into each store: far below one 16 MB memtable, so only the shared 2 MB budget can flush them.
            Random random = new Random(1);
            byte[] value = new byte[1000];
            for (int i = 0; i < 3_000; i++) {
                for (RocksDB db : databases) {
                    random.nextBytes(value);
                    db.put(("session-" + i).getBytes(), value);
                }
            }
            assertThat(sstFiles(dir.resolve("sessions-0")) + sstFiles(dir.resolve("sessions-1")))
                    .as("table files written by memtable flushes").isPositive();
        } finally {
            databases.forEach(RocksDB::close);
            options.forEach(Options::close);
        }
    }

    @Test
    void shouldKeepTheSameWritesInTheMemtableWithoutTheSetter(@TempDir Path dir) throws RocksDBException, IOException {
        // The same writes without the bound stay in the memtable: what the test above sees is the bound's doing.
        try (Options options = streamsLikeOptions(); RocksDB db = RocksDB.open(options, dir.toString())) {
            Random random = new Random(1);
            byte[] value = new byte[1000];
            for (int i = 0; i < 3_000; i++) {
                random.nextBytes(value);
                db.put(("session-" + i).getBytes(), value);
            }
            assertThat(sstFiles(dir)).isZero();
        }
    }

    @Test
    void shouldRefuseAMissingOrNonPositiveBound() {
        Map<String, Object> configs = new HashMap<>();
        assertThatThrownBy(() -> BoundedRocksDbMemory.memoryBytes(configs)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(BoundedRocksDbMemory.MEMORY_BYTES_CONFIG);
        configs.put(BoundedRocksDbMemory.MEMORY_BYTES_CONFIG, "0");
        assertThatThrownBy(() -> BoundedRocksDbMemory.memoryBytes(configs)).isInstanceOf(ConfigException.class);
        configs.put(BoundedRocksDbMemory.MEMORY_BYTES_CONFIG, "64 MB");
        assertThatThrownBy(() -> BoundedRocksDbMemory.memoryBytes(configs)).isInstanceOf(ConfigException.class);
        configs.put(BoundedRocksDbMemory.MEMORY_BYTES_CONFIG, "67108864");
        assertThat(BoundedRocksDbMemory.memoryBytes(configs)).isEqualTo(64L * 1024 * 1024);
    }

    @Test
    void shouldBeSetInTheStreamsPropertiesFromTheSetting() {
        ScoringConfig config = ScoringConfig.from(Map.of("SCORING_ROCKSDB_MEMORY_MB", "96"));
        assertThat(config.streamsProperties()).containsEntry(BoundedRocksDbMemory.MEMORY_BYTES_CONFIG, 96L * 1024 * 1024)
                .containsEntry("rocksdb.config.setter", BoundedRocksDbMemory.class);
        assertThatThrownBy(() -> ScoringConfig.from(Map.of("SCORING_ROCKSDB_MEMORY_MB", "2"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("SCORING_ROCKSDB_MEMORY_MB");
    }

    /** What Kafka Streams' RocksDBStore sets before calling the setter: a 16 MB write buffer and a table config. */
    private static Options streamsLikeOptions() {
        Options options = new Options().setCreateIfMissing(true).setWriteBufferSize(16L * 1024 * 1024).setMaxWriteBufferNumber(3);
        options.setTableFormatConfig(new BlockBasedTableConfig());
        return options;
    }

    private static long sstFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(file -> file.getFileName().toString().endsWith(".sst")).count();
        }
    }
}
