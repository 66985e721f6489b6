package com.shopintent.scoring.config;

import com.shopintent.scoring.enrich.SpecialDayCalendar;
import io.lettuce.core.RedisURI;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;

/**
 * The application's settings, read once from environment variables with the {@value Setting#PREFIX}
 * prefix (each also settable by the flag {@link Setting#flag()}), validated, and printable with
 * secrets masked. Any Kafka client or Streams property passes through as
 * {@code SCORING_KAFKA_<PROPERTY>} ({@code SCORING_KAFKA_SECURITY_PROTOCOL=SASL_SSL} is
 * {@code security.protocol}).
 */
public final class ScoringConfig {

    public static final Setting<String> BOOTSTRAP_SERVERS = Setting.of("SCORING_BOOTSTRAP_SERVERS", "127.0.0.1:9092",
            "host:port[,host:port...]", ScoringConfig::hostPorts);
    public static final Setting<String> APPLICATION_ID = Setting.of("SCORING_APPLICATION_ID", "shop-intent-scoring",
            "letters, digits, '.', '_' and '-'", ScoringConfig::applicationId);
    public static final Setting<Path> MODEL_DIR = Setting.of("SCORING_MODEL_DIR", null,
            "a model package directory written by ./scoring train", Path::of);
    public static final Setting<Path> MODEL_WATCH_DIR = Setting.of("SCORING_MODEL_WATCH_DIR", null,
            "(unset: off) a directory whose newest model package becomes champion, for a single instance", Path::of);
    public static final Setting<Path> STATE_DIR = Setting.of("SCORING_STATE_DIR", null,
            "a writable directory (default: Kafka Streams' temporary directory)", Path::of);
    public static final Setting<String> PROCESSING_GUARANTEE = Setting.of("SCORING_PROCESSING_GUARANTEE",
            StreamsConfig.EXACTLY_ONCE_V2, StreamsConfig.EXACTLY_ONCE_V2 + " or " + StreamsConfig.AT_LEAST_ONCE,
            ScoringConfig::guarantee);
    public static final Setting<Duration> SESSION_TIMEOUT = Setting.of("SCORING_SESSION_TIMEOUT", "PT30M",
            "an ISO-8601 duration from PT1S to P7D", text -> duration(text, Duration.ofSeconds(1), Duration.ofDays(7)));
    public static final Setting<Duration> EXPIRY_INTERVAL = Setting.of("SCORING_EXPIRY_INTERVAL", "PT30S",
            "an ISO-8601 duration from PT1S to PT1H (how often, in wall-clock time, idle sessions are looked for)",
            text -> duration(text, Duration.ofSeconds(1), Duration.ofHours(1)));
    public static final Setting<SpecialDayCalendar> SPECIAL_DAYS = Setting.of("SCORING_SPECIAL_DAYS",
            SpecialDayCalendar.DEFAULT_SPEC, "a comma-separated list of MM-DD or MM-DAY-N (02-14,05-SUN-2)",
            SpecialDayCalendar::parse);
    public static final Setting<Integer> MAX_EVENT_BYTES = Setting.of("SCORING_MAX_EVENT_BYTES", "65536",
            "an integer from 1024 to 1048576", text -> intIn(text, 1024, 1 << 20));
    /**
     * Two by default, as many as the pods' CPU limit: at 10,000 events/s on two cores, one thread
     * ran close to its capacity and any stall left a queue behind it (exactly-once p99 1.2 s); two
     * share the queue (p99 0.2 and 0.4 s). They hardly raise a drain's throughput (docs/benchmarks.md).
     */
    public static final Setting<Integer> NUM_STREAM_THREADS = Setting.of("SCORING_NUM_STREAM_THREADS", "2",
            "an integer from 1 to 64", text -> intIn(text, 1, 64));
    /**
     * The commit interval under exactly-once: a prediction is seen at the commit after it, so the
     * interval is most of its latency; at the customer's rate that latency is what the product is for.
     * The runs that chose it, and what it costs a drain, are in docs/DESIGN.md ("Processing
     * guarantee"). A deployment that only works off backlogs sets more.
     */
    static final Duration EXACTLY_ONCE_COMMIT_INTERVAL = Duration.ofMillis(20);

    /**
     * The commit interval under at-least-once, where readers see a prediction once its batch is sent,
     * whatever the commit. Each commit blocks its stream thread while the producer's batches are
     * flushed and the offsets committed, a few ms that every event arriving meanwhile waits for. At
     * 10,000 events/s a second between commits gave p99 19.2 and 24.0 ms against 24.4 and 31.3 with
     * 20 ms (docs/benchmarks.md). After a crash, about a second of events at most is processed again.
     */
    static final Duration AT_LEAST_ONCE_COMMIT_INTERVAL = Duration.ofSeconds(1);

    /** Unset: the guarantee's own interval, above, read through {@link #commitInterval()}. */
    public static final Setting<Duration> COMMIT_INTERVAL = Setting.of("SCORING_COMMIT_INTERVAL", null,
            "(unset: " + EXACTLY_ONCE_COMMIT_INTERVAL + " under exactly-once, " + AT_LEAST_ONCE_COMMIT_INTERVAL
                    + " under at-least-once) an ISO-8601 duration from PT0.01S to PT1M (under exactly-once, how long "
                    + "outputs wait to be seen by read_committed readers: shorter is lower latency and less throughput, "
                    + "see docs/DESIGN.md)",
            text -> duration(text, Duration.ofMillis(10), Duration.ofMinutes(1)));

    public static final Setting<String> INSTANCE_ID = Setting.of("SCORING_INSTANCE_ID", null,
            "a stable name per instance, e.g. the pod name; enables static membership (group.instance.id)",
            ScoringConfig::applicationId);
    public static final Setting<Integer> STANDBY_REPLICAS = Setting.of("SCORING_STANDBY_REPLICAS", "0",
            "an integer from 0 to 3 (warm copies of each task's state on other instances)", text -> intIn(text, 0, 3));
    public static final Setting<Integer> PARTITIONS = Setting.of("SCORING_PARTITIONS", "6",
            "an integer from 1 to 1000 (partitions of the topics that topics apply creates)", text -> intIn(text, 1, 1000));
    public static final Setting<Integer> REPLICATION_FACTOR = Setting.of("SCORING_REPLICATION_FACTOR", "-1",
            "-1 (the broker's default) or an integer from 1 to 7, for created and internal topics",
            text -> text.trim().equals("-1") ? -1 : intIn(text, 1, 7));
    public static final Setting<Double> HIGH_INTENT_THRESHOLD = Setting.of("SCORING_HIGH_INTENT_THRESHOLD", "0.5",
            "a probability from 0 to 1 (a session at or above it counts as high intent in shop.insights)",
            text -> doubleIn(text, 0, 1));
    public static final Setting<Duration> INSIGHTS_GRACE = Setting.of("SCORING_INSIGHTS_GRACE", "PT10S",
            "an ISO-8601 duration from PT0S to PT1H (how long a 1-minute insight window waits for late events)",
            text -> duration(text, Duration.ZERO, Duration.ofHours(1)));
    /**
     * The insight windows' tasks apart from the sessions': an event's share of their work is one
     * record of 17 bytes and a cached window update, and their cost was found to go with their
     * partitions rather than their records: two instead of shop.events' twelve took an eighth to
     * a third off the pipeline's CPU an event (docs/benchmarks.md). As many as the stream threads:
     * one was slower. Kafka Streams refuses to start on internal topics of another count.
     */
    public static final Setting<Integer> INSIGHT_PARTITIONS = Setting.of("SCORING_INSIGHT_PARTITIONS", "2",
            "an integer from 1 to 1000 (partitions of the insight windows' internal topics, so at most that many "
                    + "instances do their work; fixed for an application id: see docs/OPERATIONS.md)",
            text -> intIn(text, 1, 1000));
    /**
     * Kafka 4 brokers refuse records timestamped more than an hour ahead of their clock
     * ({@code log.message.timestamp.after.max.ms}), and outputs carry their event's time: an event
     * further ahead would fail its prediction's write, stop the application and stop it again after
     * every restart. It would also move the session clock and the insight windows a day on.
     */
    public static final Setting<Duration> MAX_EVENT_AHEAD = Setting.of("SCORING_MAX_EVENT_AHEAD", "PT1H",
            "an ISO-8601 duration from PT0S to P3650D (how far an event's timestamp may be ahead of this instance's clock;"
                    + " an event further ahead goes to the dead-letter topic as bad-timestamp)",
            text -> duration(text, Duration.ZERO, Duration.ofDays(3650)));
    public static final Setting<StoreType> STATE_STORE = Setting.of("SCORING_STATE_STORE", "rocksdb",
            "rocksdb or in_memory (both changelogged; in_memory restores from the changelog at start)",
            text -> StoreType.valueOf(text.toUpperCase(Locale.ROOT)));
    public static final Setting<Integer> ROCKSDB_MEMORY_MB = Setting.of("SCORING_ROCKSDB_MEMORY_MB", "64",
            "an integer from 4 to 65536: MiB of off-heap memory for all RocksDB stores of the instance together (one block"
                    + " cache, charged for the memtables too, which are flushed at half of it)", text -> intIn(text, 4, 65536));

    public static final Setting<Integer> HTTP_PORT = Setting.of("SCORING_HTTP_PORT", "8080",
            "an integer from 0 to 65535 (port of /health, /ready and /metrics on every interface; 0: any free port)",
            text -> intIn(text, 0, 65535));
    public static final Setting<LogFormat> LOG_FORMAT = Setting.of("SCORING_LOG_FORMAT", "text",
            "text or json (json: one JSON object per log line, for Fluentd or Elasticsearch)",
            text -> LogFormat.valueOf(text.toUpperCase(Locale.ROOT)));

    public static final Setting<String> LOG_LEVEL = Setting.of("SCORING_LOG_LEVEL", "INFO",
            "TRACE, DEBUG, INFO, WARN or ERROR (this application's own log level; Kafka's stays WARN)", ScoringConfig::level);

    public static final Setting<CacheMode> CACHE = Setting.of("SCORING_CACHE", "off",
            "off or on (on: the in-process tier, and the Redis tier when SCORING_REDIS_URI is set)",
            text -> CacheMode.valueOf(text.toUpperCase(Locale.ROOT)));
    public static final Setting<Integer> CACHE_SIZE = Setting.of("SCORING_CACHE_SIZE", "100000",
            "an integer from 1 to 100000000 (entries of the in-process tier)", text -> intIn(text, 1, 100_000_000));
    public static final Setting<Duration> CACHE_TTL = Setting.of("SCORING_CACHE_TTL", "PT1H",
            "an ISO-8601 duration from PT1S to P1D (time to live of a cached score, both tiers)",
            text -> duration(text, Duration.ofSeconds(1), Duration.ofDays(1)));
    public static final Setting<List<RedisURI>> REDIS_URI = Setting.secret("SCORING_REDIS_URI", null,
            "(unset: no Redis tier) redis://[user:password@]host:port, rediss:// for TLS; for a cluster, comma-separated seed nodes",
            ScoringConfig::redisUris);
    public static final Setting<Path> REDIS_TLS_CA = Setting.of("SCORING_REDIS_TLS_CA", null,
            "(unset: the JDK's trust store) a readable PEM file of the CA certificate(s) that signed the Redis servers'"
                    + " certificates, for rediss:// URIs", ScoringConfig::pemCertificates);
    public static final Setting<Boolean> REDIS_CLUSTER = Setting.of("SCORING_REDIS_CLUSTER", "false",
            "true or false (SCORING_REDIS_URI names Redis Cluster nodes)", ScoringConfig::bool);
    public static final Setting<Duration> REDIS_TIMEOUT = Setting.of("SCORING_REDIS_TIMEOUT", "PT0.005S",
            "an ISO-8601 duration from PT0.001S to PT1S (longest wait of the stream thread for one Redis command)",
            text -> duration(text, Duration.ofMillis(1), Duration.ofSeconds(1)));

    /*
     * Shortcuts for the usual secured cluster (Strimzi's TLS listener with SCRAM-SHA-512 users), so
     * that a pod needs a user name, a mounted password file and a mounted CA instead of a JAAS line.
     * They share the pass-through prefix because they are Kafka's settings; no Kafka client or
     * Streams property has these names (ScoringConfigTest checks), and a setting name wins.
     */
    public static final Setting<String> KAFKA_SASL_USERNAME = Setting.of("SCORING_KAFKA_SASL_USERNAME", null,
            "(unset: no SASL unless passed through) the Kafka user: every client then authenticates with SCRAM-SHA-512 over TLS"
                    + " (SASL_SSL); needs SCORING_KAFKA_SASL_PASSWORD_FILE or SCORING_KAFKA_SASL_PASSWORD",
            ScoringConfig::saslText);
    public static final Setting<Path> KAFKA_SASL_PASSWORD_FILE = Setting.of("SCORING_KAFKA_SASL_PASSWORD_FILE", null,
            "a readable, non-empty file holding the Kafka user's password (a trailing newline is ignored), e.g. the key"
                    + " password of Strimzi's KafkaUser Secret mounted as a file; read once at start", ScoringConfig::readableFile);
    public static final Setting<String> KAFKA_SASL_PASSWORD = Setting.secret("SCORING_KAFKA_SASL_PASSWORD", null,
            "the Kafka user's password itself (from a Secret through the environment); prefer the file", ScoringConfig::saslText);
    public static final Setting<Path> KAFKA_TLS_CA = Setting.of("SCORING_KAFKA_TLS_CA", null,
            "(unset: the JDK's trust store) a readable PEM file of the CA certificate(s) that signed the brokers' certificates,"
                    + " e.g. ca.crt of Strimzi's cluster CA Secret; TLS (SSL, or SASL_SSL with a user)", ScoringConfig::pemCertificates);

    /** Whether predictions are cached. */
    public enum CacheMode { OFF, ON }

    /** How log lines are written on stderr. */
    public enum LogFormat { TEXT, JSON }

    /** Where the state stores keep their data. */
    public enum StoreType { ROCKSDB, IN_MEMORY }

    /** Every setting, in the order they are printed. */
    public static final List<Setting<?>> SETTINGS = List.of(BOOTSTRAP_SERVERS, KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD_FILE,
            KAFKA_SASL_PASSWORD, KAFKA_TLS_CA, APPLICATION_ID, MODEL_DIR, MODEL_WATCH_DIR, STATE_DIR,
            PROCESSING_GUARANTEE, NUM_STREAM_THREADS, COMMIT_INTERVAL, STATE_STORE, ROCKSDB_MEMORY_MB, INSTANCE_ID, STANDBY_REPLICAS,
            PARTITIONS, REPLICATION_FACTOR, SESSION_TIMEOUT, EXPIRY_INTERVAL, SPECIAL_DAYS, MAX_EVENT_BYTES, MAX_EVENT_AHEAD,
            HIGH_INTENT_THRESHOLD, INSIGHTS_GRACE, INSIGHT_PARTITIONS, HTTP_PORT, LOG_FORMAT, LOG_LEVEL, CACHE, CACHE_SIZE, CACHE_TTL, REDIS_URI, REDIS_TLS_CA, REDIS_CLUSTER,
            REDIS_TIMEOUT);

    /**
     * Largest record the application writes: a dead letter keeps the original value, which may be
     * as large as the input topic allows (1 MiB by default), plus headers.
     */
    public static final int MAX_RECORD_BYTES = 4 * 1024 * 1024;

    /**
     * How long the global consumer's fetch waits for data at the broker (Kafka's default: 500 ms).
     * The start restores the page-statistics store one partition after another, and a partition's
     * offset lookup queues behind the previous partition's fetch, still waiting at the broker for data
     * that will not come: half a second a partition, a second of every start (docs/benchmarks.md).
     * The price is an idle instance's fetch of shop.page-stats every 100 ms instead of 500.
     */
    static final int GLOBAL_CONSUMER_FETCH_MAX_WAIT_MS = 100;

    /**
     * The largest batch Kafka Streams' producers build for a partition under exactly-once (Kafka's
     * default: 16 KB). There a reader sees no output before the commit, so batching up to it costs no
     * latency; within a commit of a drain a partition of shop.predictions gathers far more than 16 KB,
     * and each batch is a part of a request, a broker append (a write to the log) and a wake-up of
     * the producer's I/O thread. In drains, 256 KB batches halved the broker's CPU an event for the
     * pipeline and took 17-30 % off the CPU an event of both together (docs/benchmarks.md). Under
     * at-least-once a batch is sent when it fills or lingers, and readers see it then: Kafka's
     * default stays.
     */
    static final int PRODUCER_BATCH_BYTES = 256 * 1024;

    /**
     * How long Kafka Streams' producers wait to fill a batch under at-least-once (Kafka Streams'
     * own default: 100 ms). There a reader sees a prediction once its batch is sent, so the wait is
     * latency: with 100 ms most batches waited for the next commit's flush. The runs that chose 5 ms
     * are in docs/benchmarks.md. Under exactly-once the commit sends every batch and readers see
     * none before it: the 100 ms stays.
     */
    static final int AT_LEAST_ONCE_LINGER_MS = 5;

    /** Read by the ./scoring launcher, not by the application: accepted, not settings. */
    static final List<String> LAUNCHER_VARIABLES = List.of("SCORING_JAVA_OPTS");
    static final String KAFKA_PREFIX = Setting.PREFIX + "KAFKA_";
    static final String SASL_MECHANISM = "SCRAM-SHA-512";
    static final String SCRAM_LOGIN_MODULE = "org.apache.kafka.common.security.scram.ScramLoginModule";
    private static final List<String> SECRET_WORDS = List.of("password", "secret", "jaas", "key", "token", "credential");

    private final Map<String, String> values;
    private final Map<Setting<?>, Object> parsed = new LinkedHashMap<>();
    private final Map<String, String> kafkaProperties = new TreeMap<>();

    private ScoringConfig(Map<String, String> values) {
        this.values = Map.copyOf(values);
        List<String> problems = new ArrayList<>();
        for (Setting<?> setting : SETTINGS) {
            try {
                parsed.put(setting, setting.read(values));
            } catch (ConfigException e) {
                problems.add(e.getMessage());
            }
        }
        for (Map.Entry<String, String> entry : new TreeMap<>(values).entrySet()) {
            String name = entry.getKey();
            if (SETTINGS.stream().anyMatch(s -> s.env().equals(name))) {
                continue;
            }
            if (name.startsWith(KAFKA_PREFIX) && name.length() > KAFKA_PREFIX.length()) {
                kafkaProperties.put(name.substring(KAFKA_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.'), entry.getValue());
            } else if (name.startsWith(Setting.PREFIX) && !LAUNCHER_VARIABLES.contains(name)) {
                problems.add(name + " is not a setting; known settings are " + SETTINGS.stream().map(Setting::env).toList()
                        + " and " + KAFKA_PREFIX + "<PROPERTY>");
            }
        }
        if (problems.isEmpty()) {
            problems.addAll(redisProblems());
            problems.addAll(applyKafkaSecurityShortcuts());
        }
        if (!problems.isEmpty()) {
            throw invalid(problems);
        }
    }

    private static ConfigException invalid(List<String> problems) {
        return new ConfigException("invalid configuration:\n  " + String.join("\n  ", problems));
    }

    /** What is wrong in how the Redis settings combine (each is valid alone). */
    private List<String> redisProblems() {
        List<String> problems = new ArrayList<>();
        @SuppressWarnings("unchecked")
        List<RedisURI> uris = (List<RedisURI>) parsed.get(REDIS_URI);
        if (uris != null && parsed.get(CACHE) == CacheMode.OFF) {
            problems.add(REDIS_URI.env() + " is set but " + CACHE.env() + "=off: set " + CACHE.env() + "=on to use Redis, or unset "
                    + REDIS_URI.env());
        }
        long tls = uris == null ? 0 : uris.stream().filter(RedisURI::isSsl).count();
        if (tls > 0 && tls < uris.size()) {
            problems.add(REDIS_URI.env() + " mixes redis:// and rediss:// URIs: all of them use TLS (rediss://) or none does");
        }
        if (parsed.get(REDIS_TLS_CA) != null && tls == 0) {
            problems.add(REDIS_TLS_CA.env() + " is set but " + REDIS_URI.env() + (uris == null ? " is unset" : " is not rediss://")
                    + ": the CA applies to TLS connections only; use rediss:// URIs, or unset " + REDIS_TLS_CA.env());
        }
        return problems;
    }

    /**
     * Turns {@link #KAFKA_SASL_USERNAME}, its password and {@link #KAFKA_TLS_CA} into the Kafka client
     * properties they stand for, added to the pass-through ones; what is wrong in how they combine.
     * A property both a shortcut and a pass-through variable set is refused rather than one silently
     * winning: the operator meant one of them.
     */
    private List<String> applyKafkaSecurityShortcuts() {
        List<String> problems = new ArrayList<>();
        Map<String, String> derived = new LinkedHashMap<>();
        String username = (String) parsed.get(KAFKA_SASL_USERNAME);
        Path passwordFile = (Path) parsed.get(KAFKA_SASL_PASSWORD_FILE);
        String password = (String) parsed.get(KAFKA_SASL_PASSWORD);
        if (passwordFile != null && password != null) {
            problems.add(KAFKA_SASL_PASSWORD_FILE.env() + " and " + KAFKA_SASL_PASSWORD.env() + " are both set: give the password once");
        } else if (username == null && (passwordFile != null || password != null)) {
            problems.add((passwordFile != null ? KAFKA_SASL_PASSWORD_FILE : KAFKA_SASL_PASSWORD).env() + " is set but "
                    + KAFKA_SASL_USERNAME.env() + " is unset: a password needs its user");
        } else if (username != null && passwordFile == null && password == null) {
            problems.add(KAFKA_SASL_USERNAME.env() + " is set without a password: set " + KAFKA_SASL_PASSWORD_FILE.env() + " (or "
                    + KAFKA_SASL_PASSWORD.env() + ")");
        } else if (username != null) {
            if (passwordFile != null) {
                try {
                    password = passwordFromFile(passwordFile);
                } catch (IllegalArgumentException e) {
                    problems.add(KAFKA_SASL_PASSWORD_FILE.env() + "='" + passwordFile + "' is invalid: " + e.getMessage());
                }
            }
            derived.put("security.protocol", "SASL_SSL");
            derived.put("sasl.mechanism", SASL_MECHANISM);
            derived.put("sasl.jaas.config", SCRAM_LOGIN_MODULE + " required username=\"" + jaasQuoted(username) + "\" password=\""
                    + jaasQuoted(password == null ? "" : password) + "\";");
            conflicts(KAFKA_SASL_USERNAME, derived.keySet(), problems);
        }
        Path ca = (Path) parsed.get(KAFKA_TLS_CA);
        if (ca != null) {
            Map<String, String> tls = new LinkedHashMap<>();
            tls.put("ssl.truststore.type", "PEM");
            tls.put("ssl.truststore.location", ca.toString());
            conflicts(KAFKA_TLS_CA, List.of("ssl.truststore.type", "ssl.truststore.location", "ssl.truststore.certificates"), problems);
            String protocol = derived.getOrDefault("security.protocol", kafkaProperties.get("security.protocol"));
            if (protocol == null) {
                tls.put("security.protocol", "SSL");
            } else if (!protocol.toUpperCase(Locale.ROOT).endsWith("SSL")) {
                problems.add(KAFKA_TLS_CA.env() + " is set but security.protocol is " + protocol
                        + ": the CA applies to TLS only; use SSL or SASL_SSL, or unset " + KAFKA_TLS_CA.env());
            }
            derived.putAll(tls);
        }
        kafkaProperties.putAll(derived);
        return problems;
    }

    private void conflicts(Setting<?> shortcut, Collection<String> properties, List<String> problems) {
        for (String property : properties) {
            if (kafkaProperties.containsKey(property)) {
                problems.add(shortcut.env() + " sets " + property + ", and so does " + KAFKA_PREFIX
                        + property.toUpperCase(Locale.ROOT).replace('.', '_') + ": use the shortcut or pass the properties through, not both");
            }
        }
    }

    /** The password in the file, without the trailing newline an editor or {@code echo} adds. */
    private static String passwordFromFile(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot be read (" + e.getClass().getSimpleName() + ")", e);
        }
        String password = text.endsWith("\r\n") ? text.substring(0, text.length() - 2)
                : text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        if (password.isEmpty()) {
            throw new IllegalArgumentException("the file is empty");
        }
        saslText(password);
        return password;
    }

    /** A value inside double quotes of a JAAS line: Kafka's parser reads backslash escapes there. */
    static String jaasQuoted(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    /** Settings from these variables (typically {@code System.getenv()}); other names are ignored. */
    public static ScoringConfig from(Map<String, String> environment) {
        Map<String, String> ours = new LinkedHashMap<>();
        environment.forEach((name, value) -> {
            if (name.startsWith(Setting.PREFIX)) {
                ours.put(name, value);
            }
        });
        return new ScoringConfig(ours);
    }

    /**
     * {@link #LOG_FORMAT} alone, from these variables: logging is set up before the command line is
     * parsed, so before the command that reads the other settings runs. A wrong value fails as
     * {@link #from} would.
     */
    public static LogFormat logFormat(Map<String, String> values) {
        try {
            return LOG_FORMAT.read(values);
        } catch (ConfigException e) {
            throw invalid(List.of(e.getMessage()));
        }
    }

    /** {@link #LOG_LEVEL} alone, for the same reason as {@link #logFormat}. */
    public static String logLevel(Map<String, String> values) {
        try {
            return LOG_LEVEL.read(values);
        } catch (ConfigException e) {
            throw invalid(List.of(e.getMessage()));
        }
    }

    private static String level(String text) {
        String level = text.trim().toUpperCase(Locale.ROOT);
        if (!List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR").contains(level)) {
            throw new IllegalArgumentException("not a log level");
        }
        return level;
    }

    public static ScoringConfig defaults() {
        return new ScoringConfig(Map.of());
    }

    /** A copy with these settings changed (by environment name), validated again. */
    public ScoringConfig with(Map<String, String> overrides) {
        Map<String, String> merged = new LinkedHashMap<>(values);
        merged.putAll(overrides);
        return new ScoringConfig(merged);
    }

    @SuppressWarnings("unchecked")
    public <T> T get(Setting<T> setting) {
        if (!parsed.containsKey(setting)) {
            throw new IllegalArgumentException(setting.env() + " is not a setting of ScoringConfig");
        }
        return (T) parsed.get(setting);
    }

    /** {@link #COMMIT_INTERVAL} if set, else the processing guarantee's own. */
    public Duration commitInterval() {
        Duration set = get(COMMIT_INTERVAL);
        if (set != null) {
            return set;
        }
        return exactlyOnce() ? EXACTLY_ONCE_COMMIT_INTERVAL : AT_LEAST_ONCE_COMMIT_INTERVAL;
    }

    private boolean exactlyOnce() {
        return get(PROCESSING_GUARANTEE).equals(StreamsConfig.EXACTLY_ONCE_V2);
    }

    public Map<String, String> kafkaProperties() {
        return Map.copyOf(kafkaProperties);
    }

    /**
     * The Kafka Streams configuration: exactly-once v2 unless told otherwise, and pass-through
     * properties last, so an operator can override anything.
     */
    public Properties streamsProperties() {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, get(APPLICATION_ID));
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, get(BOOTSTRAP_SERVERS));
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, get(PROCESSING_GUARANTEE));
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, get(NUM_STREAM_THREADS));
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commitInterval().toMillis());
        props.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, get(STANDBY_REPLICAS));
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, get(REPLICATION_FACTOR));
        props.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), MAX_RECORD_BYTES);
        if (exactlyOnce()) {
            props.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), PRODUCER_BATCH_BYTES);
        } else {
            props.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), AT_LEAST_ONCE_LINGER_MS);
        }
        props.put(StreamsConfig.globalConsumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), GLOBAL_CONSUMER_FETCH_MAX_WAIT_MS);
        if (get(INSTANCE_ID) != null) {
            props.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), get(INSTANCE_ID));
        }
        // Only shop.page-stats has a deserializer that can fail; a bad stats record is logged and skipped.
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueExceptionHandler.class);
        props.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDbMemory.class);
        props.put(StreamsConfig.DEFAULT_CLIENT_SUPPLIER_CONFIG, StreamsClientSupplier.class);
        props.put(BoundedRocksDbMemory.MEMORY_BYTES_CONFIG, get(ROCKSDB_MEMORY_MB) * 1024L * 1024L);
        if (get(STATE_DIR) != null) {
            props.put(StreamsConfig.STATE_DIR_CONFIG, get(STATE_DIR).toString());
        }
        props.putAll(kafkaProperties);
        return props;
    }

    /** Where announced model packages are copied to and verified: beside the state stores, which a pod keeps on a volume. */
    public Path modelPackagesDir() {
        Path state = get(STATE_DIR) != null ? get(STATE_DIR) : Path.of(System.getProperty("java.io.tmpdir"), "kafka-streams");
        return state.resolve("model-packages");
    }

    /**
     * Properties for a plain client (admin, producer, consumer) of the same cluster: the bootstrap
     * servers and the pass-through properties, so security settings apply to every client.
     */
    public Map<String, Object> clientProperties() {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("bootstrap.servers", get(BOOTSTRAP_SERVERS));
        props.putAll(kafkaProperties);
        return props;
    }

    /** One line per setting in force, secrets masked; for the start-up log. */
    public String describe() {
        StringBuilder out = new StringBuilder();
        for (Setting<?> setting : SETTINGS) {
            out.append(String.format("  %-30s %s%n", setting.env(), shown(setting)));
        }
        kafkaProperties.forEach((name, value) ->
                out.append(String.format("  %-30s %s%n", "kafka " + name, isSecret(name) ? "*****" : value)));
        return out.toString();
    }

    /** The value in force as the log shows it: an unset commit interval is the guarantee's own, so that one is shown. */
    private String shown(Setting<?> setting) {
        String raw = setting.raw(values);
        if (raw == null) {
            return setting == COMMIT_INTERVAL ? commitInterval() + " (unset: " + get(PROCESSING_GUARANTEE) + "'s own)" : "(unset)";
        }
        return setting.secret() ? "*****" : raw;
    }

    static boolean isSecret(String propertyName) {
        String lower = propertyName.toLowerCase(Locale.ROOT);
        return SECRET_WORDS.stream().anyMatch(lower::contains) && !lower.endsWith(".type") && !lower.endsWith(".location")
                && !lower.endsWith("serializer") && !lower.endsWith(".algorithm");
    }

    /** A user name or password: no line breaks or other control characters, which a JAAS line cannot hold. */
    private static String saslText(String text) {
        if (text.chars().anyMatch(Character::isISOControl)) {
            // The value itself is not repeated: it may be a password.
            throw new IllegalArgumentException("contains a control character or line break");
        }
        return text;
    }

    private static Path readableFile(String text) {
        Path file = Path.of(text);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no such file, or not a file");
        }
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException("not readable");
        }
        return file;
    }

    private static String hostPorts(String text) {
        for (String part : text.split(",")) {
            int colon = part.lastIndexOf(':');
            if (colon <= 0 || colon == part.length() - 1) {
                throw new IllegalArgumentException("'" + part + "' has no host:port");
            }
            intIn(part.substring(colon + 1), 1, 65535);
        }
        return text;
    }

    private static List<RedisURI> redisUris(String text) {
        List<RedisURI> uris;
        try {
            uris = Arrays.stream(text.split(",")).map(String::trim).filter(s -> !s.isEmpty()).map(RedisURI::create).toList();
        } catch (RuntimeException e) {
            // Not the parser's message: it may repeat the password.
            throw new IllegalArgumentException("not a Redis URI");
        }
        if (uris.isEmpty()) {
            throw new IllegalArgumentException("no URI");
        }
        return uris;
    }

    /**
     * A file that can be read now and holds PEM X.509 certificates (the TLS client reads PEM only,
     * so a DER file, which the JDK would parse, is refused here too).
     */
    private static Path pemCertificates(String text) {
        Path file = readableFile(text);
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot be read: " + e.getMessage(), e);
        }
        if (!new String(content, StandardCharsets.US_ASCII).contains("-----BEGIN CERTIFICATE-----")) {
            throw new IllegalArgumentException("holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
        }
        try {
            CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(content));
        } catch (CertificateException e) {
            throw new IllegalArgumentException("not PEM certificates: " + e.getMessage(), e);
        }
        return file;
    }

    private static boolean bool(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("not true or false");
        };
    }

    private static String applicationId(String text) {
        if (!text.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("contains other characters");
        }
        return text;
    }

    private static String guarantee(String text) {
        if (!text.equals(StreamsConfig.EXACTLY_ONCE_V2) && !text.equals(StreamsConfig.AT_LEAST_ONCE)) {
            throw new IllegalArgumentException("unknown guarantee");
        }
        return text;
    }

    private static Duration duration(String text, Duration min, Duration max) {
        Duration value = Duration.parse(text);
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new IllegalArgumentException("out of range");
        }
        return value;
    }

    private static double doubleIn(String text, double min, double max) {
        double value = Double.parseDouble(text.trim());
        if (!(value >= min && value <= max)) {
            throw new IllegalArgumentException("out of range");
        }
        return value;
    }

    private static int intIn(String text, int min, int max) {
        int value = Integer.parseInt(text.trim());
        if (value < min || value > max) {
            throw new IllegalArgumentException("out of range");
        }
        return value;
    }
}
