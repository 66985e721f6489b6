package com.shopintent.scoring.cache;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCredentials;
import io.lettuce.core.RedisCredentialsProvider;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SetArgs;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.SslOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisStringAsyncCommands;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared tier of the prediction cache: Redis, standalone or cluster, through one Lettuce
 * connection shared by every stream thread. Built so that the stream thread never waits long:
 *
 * <ul>
 *   <li>a read waits at most the command timeout, then counts as a failure;</li>
 *   <li>a write is sent and not waited for. Lettuce writes commands to the socket without waiting
 *       for earlier replies, so writes from all threads are pipelined on the one connection;
 *       at most {@link #MAX_WRITES_IN_FLIGHT} are outstanding, beyond that a write is dropped
 *       (the entry is only a cache entry);</li>
 *   <li>while disconnected, commands fail at once instead of queueing for the reconnect;</li>
 *   <li>a circuit breaker opens after repeated failures (half of the last 20 calls); while open,
 *       the tier is skipped without a call. After {@link #OPEN_WAIT} it lets
 *       {@link #PROBES} calls through, and closes when they succeed.</li>
 * </ul>
 *
 * A Redis that is down at start is connected to in the background, every {@link #OPEN_WAIT}; once
 * an attempt has failed, reads count as failures (as while disconnected later), so the breaker
 * opens and the errors show in the meters, also when the cause is TLS (an untrusted certificate)
 * or refused credentials. Each new reason is logged once (refused credentials as such), not
 * every retry.
 *
 * <p>TLS ({@code rediss://}) verifies the server's certificate against the given CA file, or the
 * JDK's trust store, and checks that it names the host of the URI.
 */
public final class RedisTier implements AutoCloseable {

    /** How long the breaker stays open before it lets probe calls through. */
    public static final Duration OPEN_WAIT = Duration.ofSeconds(1);
    static final int PROBES = 3;
    static final int MAX_WRITES_IN_FLIGHT = 10_000;
    private static final Logger LOG = LoggerFactory.getLogger(RedisTier.class);
    private static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

    /** The answer of one read. */
    public enum Status { HIT, MISS, ERROR, SKIPPED }

    /** A read's status, and the value when it is a hit. */
    public record Lookup(Status status, double value) {
        static final Lookup MISS = new Lookup(Status.MISS, Double.NaN);
        static final Lookup ERROR = new Lookup(Status.ERROR, Double.NaN);
        static final Lookup SKIPPED = new Lookup(Status.SKIPPED, Double.NaN);
    }

    private final ClientResources resources;
    private final AbstractRedisClient client;
    private final boolean cluster;
    private final long timeoutNanos;
    private final SetArgs expiry;
    private final CircuitBreaker breaker;
    private final AtomicInteger writesInFlight = new AtomicInteger();
    private final AtomicInteger failedConnects = new AtomicInteger();
    /** The user the URIs authenticate as, for messages. */
    private final String user;
    private final ScheduledExecutorService connector;
    private volatile StatefulConnection<String, byte[]> connection;
    private volatile RedisStringAsyncCommands<String, byte[]> commands;
    /** Why the last connection attempt failed, while there is no connection yet. */
    private volatile Throwable connectFailure;
    /** The reason last logged for a failed connect: a retry every second for the same reason logs nothing new. */
    private volatile String reportedFailure;
    private volatile boolean closed;

    /**
     * @param uris one Redis URI ({@code redis://[user:password@]host:port}, {@code rediss://} for
     *             TLS), or for a cluster one or more seed nodes
     * @param trustedCa PEM file of the CA certificates that TLS trusts; null: the JDK's trust store
     */
    public RedisTier(List<RedisURI> uris, boolean cluster, Path trustedCa, Duration timeout, Duration ttl) {
        this.cluster = cluster;
        this.user = username(uris.get(0));
        this.timeoutNanos = timeout.toNanos();
        this.expiry = SetArgs.Builder.px(ttl.toMillis());
        this.breaker = CircuitBreaker.of("redis", CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(20)
                .minimumNumberOfCalls(10)
                .failureRateThreshold(50)
                .waitDurationInOpenState(OPEN_WAIT)
                .permittedNumberOfCallsInHalfOpenState(PROBES)
                .build());
        // Connecting may take longer than a command; a command never waits for a reconnect.
        SocketOptions socket = SocketOptions.builder().connectTimeout(Duration.ofSeconds(1)).keepAlive(true).build();
        TimeoutOptions timeouts = TimeoutOptions.enabled(timeout);
        // Used by rediss:// only. Lettuce reads the file at each connect, so a renewed CA needs no restart.
        SslOptions ssl = trustedCa == null ? SslOptions.create()
                : SslOptions.builder().jdkSslProvider().trustManager(trustedCa.toFile()).build();
        // Lettuce's default backs off up to 30 s between reconnects; a cache should be back within a second.
        resources = ClientResources.builder()
                .reconnectDelay(Delay.exponential(Duration.ofMillis(10), OPEN_WAIT, 2, TimeUnit.MILLISECONDS)).build();
        if (cluster) {
            RedisClusterClient clusterClient = RedisClusterClient.create(resources, uris);
            clusterClient.setOptions(ClusterClientOptions.builder()
                    .socketOptions(socket).timeoutOptions(timeouts).sslOptions(ssl)
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                    // Lettuce 7's default topology refresh follows redirects and reconnects (all five
                    // adaptive triggers), which is what a failed-over or resharded cluster needs.
                    .build());
            client = clusterClient;
        } else {
            RedisClient standalone = RedisClient.create(resources);
            standalone.setOptions(ClientOptions.builder()
                    .socketOptions(socket).timeoutOptions(timeouts).sslOptions(ssl)
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                    .build());
            client = standalone;
        }
        connector = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "redis-tier-connect");
            thread.setDaemon(true);
            return thread;
        });
        connect(uris.get(0));
    }

    private void connect(RedisURI uri) {
        if (closed) {
            return;
        }
        // A cluster client connects only once it knows the slots; loading them is a separate step.
        CompletionStage<? extends StatefulConnection<String, byte[]>> future = cluster
                ? ((RedisClusterClient) client).refreshPartitionsAsync().thenCompose(loaded -> ((RedisClusterClient) client).connectAsync(CODEC))
                : ((RedisClient) client).connectAsync(CODEC, uri);
        future.whenComplete((connected, failure) -> {
            if (failure != null) {
                connectFailure = failure;
                failedConnects.incrementAndGet();
                String reason = causes(failure);
                if (!reason.equals(reportedFailure)) {
                    reportedFailure = reason;
                    if (credentialsRefused(failure)) {
                        // The user name, never the password: the URI is a secret setting.
                        LOG.warn("Redis at {} refused the credentials of user '{}' in SCORING_REDIS_URI ({}); scoring goes on without"
                                        + " the Redis tier, retrying every {}", uri.getHost() + ":" + uri.getPort(),
                                user, reason, OPEN_WAIT);
                    } else {
                        LOG.warn("Cannot connect to Redis at {} ({}); scoring goes on without the Redis tier, retrying every {}",
                                uri.getHost() + ":" + uri.getPort(), reason, OPEN_WAIT);
                    }
                }
                if (!closed) {
                    connector.schedule(() -> connect(uri), OPEN_WAIT.toMillis(), TimeUnit.MILLISECONDS);
                }
                return;
            }
            connection = connected;
            reportedFailure = null;
            commands = connected instanceof StatefulRedisClusterConnection<String, byte[]> c
                    ? c.async() : ((StatefulRedisConnection<String, byte[]>) connected).async();
            LOG.info("Connected to Redis{} at {}", cluster ? " cluster" : "", uri.getHost() + ":" + uri.getPort());
            if (closed) {
                connected.closeAsync();
            }
        });
    }

    /**
     * The user of the URI ({@code default} when it names none), for messages. The credentials of a parsed URI
     * are fixed, so resolving them does not wait; this runs on the caller's thread, never on an event loop.
     */
    private static String username(RedisURI uri) {
        RedisCredentialsProvider provider = uri.getCredentialsProvider();
        RedisCredentials credentials = provider == null ? null : provider.resolveCredentials().block(Duration.ofSeconds(1));
        return credentials != null && credentials.hasUsername() ? credentials.getUsername() : "default";
    }

    /**
     * Whether Redis refused the credentials: a wrong user or password ({@code WRONGPASS}), none where one is
     * required ({@code NOAUTH}), or a user without the right to connect ({@code NOPERM} on HELLO or AUTH).
     */
    static boolean credentialsRefused(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            String message = String.valueOf(cause.getMessage());
            if (message.startsWith("WRONGPASS") || message.startsWith("NOAUTH") || message.startsWith("NOPERM")) {
                return true;
            }
        }
        return false;
    }

    /** The messages of an exception and its causes: Lettuce's own says little ("Unable to connect"). */
    private static String causes(Throwable failure) {
        StringBuilder text = new StringBuilder(String.valueOf(failure.getMessage()));
        for (Throwable cause = failure.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            text.append(": ").append(cause.getMessage());
        }
        return text.toString();
    }

    /** True once a connection is established (it reconnects by itself afterwards). */
    public boolean connected() {
        return commands != null;
    }

    /** Connection attempts that failed, the first one's and retries. */
    int failedConnects() {
        return failedConnects.get();
    }

    /** Writes sent and not yet answered. */
    public int writesInFlight() {
        return writesInFlight.get();
    }

    public CircuitBreaker.State circuitState() {
        return breaker.getState();
    }

    /** The score stored under this key; waits at most the command timeout. */
    public Lookup get(String key) {
        RedisStringAsyncCommands<String, byte[]> async = commands;
        Throwable unreachable = connectFailure;
        // Still connecting for the first time: nothing is known to be wrong yet.
        if (async == null && unreachable == null || !breaker.tryAcquirePermission()) {
            return Lookup.SKIPPED;
        }
        long start = System.nanoTime();
        if (async == null) {
            return failed(start, null, unreachable);
        }
        CompletableFuture<byte[]> reply = null;
        try {
            reply = async.get(key).toCompletableFuture();
            byte[] value = reply.get(timeoutNanos, TimeUnit.NANOSECONDS);
            if (value != null && value.length != Double.BYTES) {
                throw new IllegalStateException("value of " + key + " has " + value.length + " bytes, not 8");
            }
            breaker.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            return value == null ? Lookup.MISS : new Lookup(Status.HIT, ByteBuffer.wrap(value).getDouble());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failed(start, reply, e);
        } catch (ExecutionException e) {
            return failed(start, reply, e.getCause());
        } catch (TimeoutException | RuntimeException e) {
            return failed(start, reply, e);
        }
    }

    private Lookup failed(long start, CompletableFuture<byte[]> reply, Throwable cause) {
        if (reply != null) {
            reply.cancel(false);
        }
        breaker.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, cause);
        return Lookup.ERROR;
    }

    /** Stores the score with the TTL, without waiting; false when the write was not sent. */
    public boolean put(String key, double probability) {
        RedisStringAsyncCommands<String, byte[]> async = commands;
        if (async == null || !breaker.tryAcquirePermission()) {
            return false;
        }
        if (writesInFlight.incrementAndGet() > MAX_WRITES_IN_FLIGHT) {
            writesInFlight.decrementAndGet();
            breaker.releasePermission();
            return false;
        }
        long start = System.nanoTime();
        RedisFuture<String> reply;
        try {
            reply = async.set(key, ByteBuffer.allocate(Double.BYTES).putDouble(probability).array(), expiry);
        } catch (RuntimeException e) {
            writesInFlight.decrementAndGet();
            breaker.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, e);
            return false;
        }
        reply.whenComplete((ok, failure) -> {
            writesInFlight.decrementAndGet();
            if (failure != null) {
                breaker.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, failure);
            } else {
                breaker.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            }
        });
        return true;
    }

    /** Closes the connection, the client and its threads, waiting at most a second for each. */
    @Override
    public void close() {
        closed = true;
        connector.shutdownNow();
        StatefulConnection<String, byte[]> open = connection;
        if (open != null) {
            open.close();
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        resources.shutdown(0, 1000, TimeUnit.MILLISECONDS);
    }
}
