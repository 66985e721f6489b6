package com.shopintent.scoring.cache;

import static org.assertj.core.api.Assertions.assertThat;

import com.shopintent.scoring.Await;
import com.shopintent.scoring.TestModels;
import com.shopintent.scoring.features.DatasetRow;
import com.shopintent.scoring.metrics.ScoringMetrics;
import com.shopintent.scoring.model.ScoringModel;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Redis tier against a real 3-node Redis Cluster (masters only; the customer runs 6 nodes,
 * 3 of them replicas, which changes nothing for the client's routing), formed here with CLUSTER
 * ADDSLOTS and CLUSTER MEET.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RedisClusterIT {

    private static final long NOON = Instant.parse("2026-11-29T12:00:00Z").toEpochMilli();
    private static final int SLOTS = 16384;
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    private final ScoringModel model = TestModels.scoringModel();
    private final List<RedisServerProcess> nodes = new ArrayList<>();

    @AfterEach
    void stopNodes() {
        nodes.forEach(RedisServerProcess::close);
    }

    @Test
    void shouldShareEntriesBetweenInstancesThroughAClusterWithKeysOnEveryNode() {
        for (int i = 0; i < 3; i++) {
            nodes.add(RedisServerProcess.start("--cluster-enabled", "yes", "--cluster-config-file", "nodes-" + i + ".conf",
                    "--maxmemory-policy", "allkeys-lru"));
        }
        formCluster();
        List<RedisURI> seeds = nodes.stream().map(n -> RedisURI.create(n.uri())).toList();
        List<DatasetRow> rows = TestModels.shippedRows().subList(0, 300);
        ScoringMetrics metrics = ScoringMetrics.inMemory();
        try (PredictionCache writer = cache(seeds, metrics); PredictionCache reader = cache(seeds, metrics)) {
            rows.forEach(row -> writer.score(model, row.features(), NOON));
            Await.until(DEADLINE, () -> keysOnEachNode().stream().mapToLong(Long::longValue).sum() >= distinctInputs(rows), () -> "every entry written");

            long redisHits = rows.stream().filter(row -> reader.score(model, row.features(), NOON).outcome() == CacheOutcome.HIT_REDIS).count();

            assertThat(redisHits).isEqualTo(distinctInputs(rows));
            assertThat(keysOnEachNode()).allSatisfy(keys -> assertThat(keys).isPositive());
        }
    }

    private long distinctInputs(List<DatasetRow> rows) {
        return rows.stream().map(row -> CacheKey.featureHash(model.modelInput(row.features()))).distinct().count();
    }

    private void formCluster() {
        int perNode = SLOTS / nodes.size();
        for (int i = 0; i < nodes.size(); i++) {
            int from = i * perNode;
            int to = i == nodes.size() - 1 ? SLOTS - 1 : from + perNode - 1;
            int[] slots = new int[to - from + 1];
            for (int s = 0; s < slots.length; s++) {
                slots[s] = from + s;
            }
            int node = i;
            withNode(node, redis -> {
                redis.clusterAddSlots(slots);
                if (node > 0) {
                    redis.clusterMeet("127.0.0.1", nodes.get(0).port());
                }
                return null;
            });
        }
        Await.until(DEADLINE, () -> java.util.stream.IntStream.range(0, nodes.size()).allMatch(i -> withNode(i, r -> r.clusterInfo().contains("cluster_state:ok")
                && r.clusterInfo().contains("cluster_known_nodes:" + nodes.size()))), () -> "cluster_state:ok on every node");
    }

    private List<Long> keysOnEachNode() {
        List<Long> keys = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            keys.add(withNode(i, RedisCommands::dbsize));
        }
        return keys;
    }

    private <T> T withNode(int node, java.util.function.Function<RedisCommands<String, String>, T> action) {
        try (RedisClient client = RedisClient.create(nodes.get(node).uri()); StatefulRedisConnection<String, String> connection = client.connect()) {
            return action.apply(connection.sync());
        }
    }

    private static PredictionCache cache(List<RedisURI> seeds, ScoringMetrics metrics) {
        PredictionCache cache = PredictionCache.create(10_000, Duration.ofHours(1), seeds, true, null, Duration.ofMillis(200), metrics);
        Await.until(DEADLINE, cache.redis()::connected, () -> "a connection to the cluster");
        return cache;
    }
}
