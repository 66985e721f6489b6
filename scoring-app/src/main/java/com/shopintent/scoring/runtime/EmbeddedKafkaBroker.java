package com.shopintent.scoring.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Apache Kafka broker (KRaft, broker and controller in one process) for
 * {@code ./scoring demo} and the {@code *IT} tests, run as a child JVM from this JVM's class path, with a
 * class-data archive of Kafka's classes once one exists ({@link BrokerClassArchive}).
 *
 * <p>A child process rather than a {@code KafkaRaftServer} inside this JVM so that {@link #kill()} is a
 * real crash (no shutdown code runs in the broker), so that the broker's threads and heap stay apart from
 * the application under test, and so that its logging goes to its own file ({@code broker.log} in
 * {@link #directory()}) instead of our console.
 *
 * <p>It listens on 127.0.0.1 only, on two random free ports (clients and controller) that are kept across
 * {@link #restart()}, as is its storage: a temporary directory that {@link #close()} deletes. A shutdown
 * hook does the same when this JVM exits without closing it (Ctrl-C); only a SIGKILL of this JVM leaves the
 * child running.
 *
 * <p>{@link #start(Map, SecuredListener)} adds a third listener for clients, SASL_SSL with SCRAM-SHA-512,
 * as a secured cluster's clients see it; the PLAINTEXT listener stays for the broker's own inter-broker
 * traffic and for creating the first SCRAM credentials (a SCRAM user can only be added by a client that is
 * already authorized). With an authorizer, that listener's principal {@code User:ANONYMOUS} must be a super
 * user: the broker sends itself transaction markers and registers with its controller through it.
 *
 * <p>Producers of records larger than 1 MiB must raise their own {@code max.request.size}; the broker accepts
 * up to {@link #MAX_MESSAGE_BYTES}.
 *
 * <p>One thread drives an instance; only the shutdown hook runs concurrently with it.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    /** The largest record batch the broker accepts: the dead-letter topic carries records of about 1 MB. */
    public static final int MAX_MESSAGE_BYTES = 2 * 1024 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

    private static final String HOST = "127.0.0.1";
    /** The listener {@link SecuredListener} adds; its properties are {@code listener.name.client.*}. */
    private static final String SECURED_LISTENER = "CLIENT";
    private static final String SCRAM_MECHANISM = "SCRAM-SHA-512";
    private static final int NODE_ID = 1;
    /** A modest heap: the broker shares the machine with the application and the build. */
    private static final List<String> JVM_OPTIONS = List.of("-Xmx512m", "-XX:+ExitOnOutOfMemoryError");
    /** Options meant for the application's JVM (a debug agent's port, a heap size) must not reach the broker's. */
    private static final List<String> JVM_OPTION_VARIABLES = List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS");

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    /** Long enough for a controlled shutdown (1 to 3 s here); a broker that takes longer is killed. */
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration KILL_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(100);
    private static final int LOG_TAIL_LINES = 50;
    private static final int LOG_TAIL_BYTES = 64 * 1024;

    /** Properties derived from the ports and the directory: an override would break the start or a restart. */
    private static final Set<String> OWN_PROPERTIES = Set.of("process.roles", "node.id", "listeners",
            "advertised.listeners", "controller.listener.names", "listener.security.protocol.map",
            "inter.broker.listener.name", "controller.quorum.bootstrap.servers", "controller.quorum.voters",
            "log.dir", "log.dirs", "metadata.log.dir");

    /**
     * INFO for everything: the log is only read when something went wrong, and then the broker's view of its
     * start is what explains it. The application's own logback.xml (WARN for Kafka) would hide that.
     */
    private static final String LOGBACK_XML = """
            <configuration>
              <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
                <encoder>
                  <pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{36} - %msg%n</pattern>
                </encoder>
              </appender>
              <root level="INFO">
                <appender-ref ref="OUT"/>
              </root>
            </configuration>
            """;

    private final Path directory;
    /** Formats the storage at the first start; later starts find it formatted. Never starts with '-', an option to the tool. */
    private final String clusterId = Uuid.randomUuid().toString();
    private final Path configFile;
    private final Path logFile;
    private final Path logbackFile;
    private final int brokerPort;
    private final int controllerPort;
    /** Null without a secured listener. */
    private final SecuredListener secured;
    private final int securedPort;
    private final BrokerClassArchive classArchive;
    private final Thread shutdownHook;
    private final Object lock = new Object();
    /** The broker's JVM, the last one started; guarded by {@link #lock}. */
    private Process process;
    /** How {@link #process} was launched, for its class-data archive once it exits; guarded by {@link #lock}. */
    private BrokerClassArchive.Launch launch;
    /** Set once by {@link #close()} or the shutdown hook; guarded by {@link #lock}. */
    private boolean closed;

    /**
     * A SASL_SSL listener for clients: TLS with this PKCS12 key store (the broker's key and certificate chain; the
     * key's password is the store's), then SCRAM-SHA-512 against the credentials in the cluster's metadata.
     * Clients need no certificate of their own.
     */
    public record SecuredListener(Path keyStore, String keyStorePassword) {
    }

    private EmbeddedKafkaBroker(Path directory, int brokerPort, int controllerPort, SecuredListener secured, int securedPort,
            BrokerClassArchive classArchive) {
        this.directory = directory;
        this.classArchive = classArchive;
        this.configFile = directory.resolve("server.properties");
        this.logFile = directory.resolve("broker.log");
        this.logbackFile = directory.resolve("logback.xml");
        this.brokerPort = brokerPort;
        this.controllerPort = controllerPort;
        this.secured = secured;
        this.securedPort = securedPort;
        this.shutdownHook = new Thread(() -> {
            try {
                shutDown();
            } catch (RuntimeException e) {
                LOG.warn("Could not clean up {} while the JVM exits", this, e);
            }
        }, "embedded-kafka-broker-shutdown");
    }

    /** Formats fresh storage and starts a broker with the default single-node settings; returns once it serves clients. */
    public static EmbeddedKafkaBroker start() {
        return start(Map.of());
    }

    /**
     * Formats fresh storage and starts a broker with these broker properties on top of the single-node defaults;
     * returns once it serves clients.
     *
     * @throws IllegalArgumentException if a property is one this class derives from its ports and directory
     * @throws BrokerException if the broker cannot be started (with the broker log's last lines)
     */
    public static EmbeddedKafkaBroker start(Map<String, String> extraProperties) {
        return start(extraProperties, null);
    }

    /**
     * {@link #start(Map)} with a SASL_SSL listener for clients as well, at {@link #securedBootstrapServers()};
     * returns once the PLAINTEXT listener serves clients (the secured one needs SCRAM credentials first).
     *
     * @param secured the secured listener's key store, or null for none
     */
    public static EmbeddedKafkaBroker start(Map<String, String> extraProperties, SecuredListener secured) {
        return start(extraProperties, secured, BrokerClassArchive.forThisJvm());
    }

    /** {@link #start(Map, SecuredListener)} with the broker's JVM launched with this class-data archive. */
    static EmbeddedKafkaBroker start(Map<String, String> extraProperties, SecuredListener secured, BrokerClassArchive classArchive) {
        List<String> owned = extraProperties.keySet().stream().filter(OWN_PROPERTIES::contains).sorted().toList();
        if (!owned.isEmpty()) {
            throw new IllegalArgumentException("broker properties " + owned
                    + " are derived from the broker's ports and directory and cannot be set; any other broker property can");
        }
        Path directory;
        try {
            directory = Files.createTempDirectory("scoring-kafka-");
        } catch (IOException e) {
            throw new BrokerException("Could not create a temporary directory for the Kafka broker", e);
        }
        Instant began = Instant.now();
        int[] ports;
        try {
            ports = freePorts(secured == null ? 2 : 3);
        } catch (RuntimeException e) {
            deleteRecursively(directory);
            throw e;
        }
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(directory, ports[0], ports[1], secured,
                secured == null ? -1 : ports[2], classArchive);
        Runtime.getRuntime().addShutdownHook(broker.shutdownHook);
        try {
            broker.writeConfiguration(extraProperties);
            broker.startBroker();
        } catch (RuntimeException e) {
            try {
                broker.close();
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        LOG.info("Kafka broker at {} started in {} ms (directory {})",
                broker.bootstrapServers(), Duration.between(began, Instant.now()).toMillis(), directory);
        return broker;
    }

    /**
     * {@code 127.0.0.1:<port>} of the SASL_SSL listener, the same across restarts.
     *
     * @throws IllegalStateException if the broker was started without one
     */
    public String securedBootstrapServers() {
        if (secured == null) {
            throw new IllegalStateException(this + " has no SASL_SSL listener; start it with a SecuredListener");
        }
        return HOST + ":" + securedPort;
    }

    /** {@code 127.0.0.1:<port>}, the same across restarts. */
    public String bootstrapServers() {
        return HOST + ":" + brokerPort;
    }

    /** The temporary directory with the broker's storage, configuration and {@code broker.log}. */
    public Path directory() {
        return directory;
    }

    /** The broker's process, as now running; null when it is not. */
    public ProcessHandle process() {
        Process current = current();
        return current == null ? null : current.toHandle();
    }

    /** Whether the broker process is alive (it may still be starting or stopping). */
    public boolean isRunning() {
        Process current = current();
        return current != null && current.isAlive();
    }

    /**
     * Stops the broker gracefully (SIGTERM, then a controlled shutdown) and waits for it to exit; kills it if
     * it has not exited within 30 s. Does nothing if it is not running.
     */
    public void stop() {
        Process current = current();
        if (current != null && current.isAlive()) {
            Instant began = Instant.now();
            end(current, STOP_TIMEOUT);
            LOG.info("Kafka broker at {} stopped in {} ms", bootstrapServers(), Duration.between(began, Instant.now()).toMillis());
        }
    }

    /** Kills the broker (SIGKILL: no shutdown code runs, as in a crash) and waits for it to exit. */
    public void kill() {
        Process current = current();
        if (current != null && current.isAlive()) {
            end(current, Duration.ZERO);
            LOG.info("Kafka broker at {} killed", bootstrapServers());
        }
    }

    /**
     * Stops the broker if it is running, then starts it again on the same ports and storage; returns once it
     * serves clients.
     *
     * @throws BrokerException if the broker cannot be started (with the broker log's last lines) or is closed
     */
    public void restart() {
        stop();
        Instant began = Instant.now();
        startBroker();
        LOG.info("Kafka broker at {} restarted in {} ms", bootstrapServers(), Duration.between(began, Instant.now()).toMillis());
    }

    /** Stops the broker and deletes its directory; the broker cannot be restarted afterwards. */
    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shutdownInProgress) {
            // The hook is running or about to run and does the same work; whichever comes first does it.
        }
        shutDown();
    }

    @Override
    public String toString() {
        return "EmbeddedKafkaBroker[" + bootstrapServers() + ", " + directory + "]";
    }

    private void shutDown() {
        Process last;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            last = process;
        }
        if (last != null) {
            end(last, STOP_TIMEOUT);
        }
        deleteRecursively(directory);
    }

    private Process current() {
        synchronized (lock) {
            return process;
        }
    }

    private void writeConfiguration(Map<String, String> extraProperties) {
        Map<String, String> properties = new TreeMap<>();
        properties.put("process.roles", "broker,controller");
        properties.put("node.id", Integer.toString(NODE_ID));
        properties.put("listeners", "PLAINTEXT://" + HOST + ":" + brokerPort + ",CONTROLLER://" + HOST + ":" + controllerPort);
        properties.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + brokerPort);
        properties.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        properties.put("inter.broker.listener.name", "PLAINTEXT");
        properties.put("controller.listener.names", "CONTROLLER");
        // A dynamic quorum of this one controller, created by `format --standalone` (which refuses controller.quorum.voters).
        properties.put("controller.quorum.bootstrap.servers", HOST + ":" + controllerPort);
        properties.put("log.dirs", directory.resolve("data").toString());

        // One node: every internal topic must fit on it, and few partitions make the first transaction and group fast.
        properties.put("offsets.topic.replication.factor", "1");
        properties.put("offsets.topic.num.partitions", "5");
        properties.put("transaction.state.log.replication.factor", "1");
        properties.put("transaction.state.log.min.isr", "1");
        properties.put("transaction.state.log.num.partitions", "5");
        properties.put("share.coordinator.state.topic.replication.factor", "1");
        properties.put("share.coordinator.state.topic.min.isr", "1");
        properties.put("share.coordinator.state.topic.num.partitions", "5");
        properties.put("default.replication.factor", "1");
        properties.put("min.insync.replicas", "1");
        properties.put("num.partitions", "1");
        // Topics are created by the application with their intended partitions, never by a typo in a client.
        properties.put("auto.create.topics.enable", "false");
        // Nobody else will join: the first consumer group starts at once instead of after 3 s.
        properties.put("group.initial.rebalance.delay.ms", "0");
        properties.put("message.max.bytes", Integer.toString(MAX_MESSAGE_BYTES));
        // After a kill, the restarted broker is refused (DuplicateBrokerRegistrationException) until the old
        // registration's session expires: 9 s by default, 3 s here.
        properties.put("broker.session.timeout.ms", "3000");
        properties.put("broker.heartbeat.interval.ms", "500");
        // Replays carry historical timestamps, and Kafka 4 refuses timestamps over an hour ahead by default.
        properties.put("log.message.timestamp.before.max.ms", Long.toString(Long.MAX_VALUE));
        properties.put("log.message.timestamp.after.max.ms", Long.toString(Long.MAX_VALUE));
        if (secured != null) {
            String listener = SECURED_LISTENER + "://" + HOST + ":" + securedPort;
            properties.merge("listeners", listener, (plain, client) -> plain + "," + client);
            properties.merge("advertised.listeners", listener, (plain, client) -> plain + "," + client);
            properties.merge("listener.security.protocol.map", SECURED_LISTENER + ":SASL_SSL", (plain, client) -> plain + "," + client);
            String prefix = "listener.name." + SECURED_LISTENER.toLowerCase(Locale.ROOT) + ".";
            properties.put(prefix + "sasl.enabled.mechanisms", SCRAM_MECHANISM);
            // The server side needs the login module only: the credentials are SCRAM records in the cluster's metadata.
            properties.put(prefix + SCRAM_MECHANISM.toLowerCase(Locale.ROOT) + ".sasl.jaas.config",
                    "org.apache.kafka.common.security.scram.ScramLoginModule required;");
            properties.put(prefix + "ssl.keystore.type", "PKCS12");
            properties.put(prefix + "ssl.keystore.location", secured.keyStore().toAbsolutePath().toString());
            properties.put(prefix + "ssl.keystore.password", secured.keyStorePassword());
            properties.put(prefix + "ssl.key.password", secured.keyStorePassword());
        }

        properties.putAll(extraProperties);
        String text = properties.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining("\n", "# Written by " + getClass().getName() + "\n", "\n"));
        try {
            Files.writeString(configFile, text, StandardCharsets.UTF_8);
            Files.writeString(logbackFile, LOGBACK_XML, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new BrokerException("Could not write the Kafka broker's configuration to " + directory, e);
        }
    }

    private void startBroker() {
        Instant deadline = Instant.now().plus(READY_TIMEOUT);
        Process broker = launch();
        try {
            awaitReady(broker, deadline);
        } catch (RuntimeException e) {
            try {
                end(broker, Duration.ZERO);
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    private Process launch() {
        BrokerClassArchive.Launch archiveUse = classArchive.launch();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JVM_OPTIONS);
        command.addAll(archiveUse.jvmOptions());
        command.add("-Dlogback.configurationFile=" + logbackFile);
        command.add("-cp");
        command.add(classArchive.classPath());
        command.add(BrokerMain.class.getName());
        command.add(clusterId);
        command.add(configFile.toString());
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(directory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(Redirect.appendTo(logFile.toFile()));
        JVM_OPTION_VARIABLES.forEach(builder.environment()::remove);
        synchronized (lock) {
            // Checked under the lock so that the shutdown hook either sees this child or stops its start.
            if (closed) {
                throw new BrokerException("Kafka broker in " + directory + " is closed; it cannot be started again");
            }
            try {
                Files.writeString(logFile, "---- " + Instant.now() + " starting the broker\n",
                        StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                process = builder.start();
                launch = archiveUse;
            } catch (IOException e) {
                throw new BrokerException("Could not start the Kafka broker in a child JVM (" + command.get(0)
                        + ", directory " + directory + ")", e);
            }
            return process;
        }
    }

    /**
     * Waits until the broker's port accepts connections, then until an Admin client sees this node and can list
     * topics. The broker opens its port only once it is unfenced; waiting for the port first keeps the Admin
     * client from logging a warning per refused connection.
     */
    private void awaitReady(Process broker, Instant deadline) {
        while (!acceptsConnections()) {
            pause(broker, deadline, "open port " + brokerPort, null);
        }
        Map<String, Object> adminConfig = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) ADMIN_TIMEOUT.toMillis(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) ADMIN_TIMEOUT.toMillis());
        try (Admin admin = Admin.create(adminConfig)) {
            while (true) {
                Throwable lastFailure = null;
                try {
                    boolean registered = admin.describeCluster().nodes()
                            .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                            .stream().anyMatch(node -> node.id() == NODE_ID);
                    if (registered) {
                        admin.listTopics(new ListTopicsOptions().listInternal(true)).names()
                                .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                        return;
                    }
                } catch (ExecutionException e) {
                    lastFailure = e.getCause();
                } catch (TimeoutException e) {
                    lastFailure = e;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new BrokerException("Interrupted while waiting for the Kafka broker at " + bootstrapServers(), e);
                }
                pause(broker, deadline, "serve Admin requests", lastFailure);
            }
        }
    }

    private boolean acceptsConnections() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(HOST, brokerPort), (int) POLL_INTERVAL.toMillis());
            return true;
        } catch (IOException refused) {
            return false;
        }
    }

    /** Waits one poll interval for the starting broker; fails if it exited or the deadline passed. */
    private void pause(Process broker, Instant deadline, String awaited, Throwable lastFailure) {
        if (Instant.now().isAfter(deadline)) {
            throw failure("The Kafka broker at " + bootstrapServers() + " did not " + awaited + " within " + READY_TIMEOUT,
                    lastFailure);
        }
        try {
            if (broker.waitFor(POLL_INTERVAL.toMillis(), TimeUnit.MILLISECONDS)) {
                throw failure("The Kafka broker at " + bootstrapServers() + " exited with code " + broker.exitValue()
                        + " while starting", lastFailure);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrokerException("Interrupted while waiting for the Kafka broker at " + bootstrapServers() + " to " + awaited, e);
        }
    }

    /**
     * Ends the broker's JVM if it is alive: asks it to exit (SIGTERM) and waits up to {@code grace}, then kills it
     * (SIGKILL) and waits again. Then keeps the class-data archive it wrote on its way out, if it stopped cleanly.
     */
    private void end(Process child, Duration grace) {
        boolean stoppedCleanly = child.isAlive() && !grace.isZero() && askToExit(child, grace);
        if (child.isAlive()) {
            child.destroyForcibly();
            if (!waitFor(child, KILL_TIMEOUT)) {
                throw new BrokerException("Kafka broker (pid " + child.pid() + ") is still alive " + KILL_TIMEOUT + " after SIGKILL");
            }
        }
        BrokerClassArchive.Launch ended;
        synchronized (lock) {
            ended = child == process ? launch : null;
        }
        if (ended != null) {
            ended.exited(stoppedCleanly);
        }
    }

    /** SIGTERM, then whether the process exited within {@code grace}. */
    private static boolean askToExit(Process child, Duration grace) {
        child.destroy();
        if (waitFor(child, grace)) {
            return true;
        }
        LOG.warn("Kafka broker (pid {}) did not exit within {} of SIGTERM; killing it", child.pid(), grace);
        return false;
    }

    private static boolean waitFor(Process child, Duration timeout) {
        try {
            return child.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrokerException("Interrupted while waiting for process " + child.pid() + " to exit", e);
        }
    }

    private BrokerException failure(String message, Throwable cause) {
        return new BrokerException(message + "; last lines of " + logFile + ":\n" + logTail(), cause);
    }

    /** The log's last lines, read from its end only: a long demo leaves a large log. */
    private String logTail() {
        try (SeekableByteChannel channel = Files.newByteChannel(logFile)) {
            long from = Math.max(0, channel.size() - LOG_TAIL_BYTES);
            ByteBuffer buffer = ByteBuffer.allocate((int) (channel.size() - from));
            channel.position(from);
            int read;
            do {
                read = channel.read(buffer);
            } while (read >= 0 && buffer.hasRemaining());
            List<String> lines = new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8).lines().toList();
            return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
        } catch (IOException e) {
            return "(could not read " + logFile + ": " + e + ")";
        }
    }

    /**
     * Distinct free ports on 127.0.0.1, all held open together so that they differ, and closed right before
     * the broker binds them.
     */
    private static int[] freePorts(int count) {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            InetAddress loopback = InetAddress.getByName(HOST);
            for (int i = 0; i < count; i++) {
                sockets.add(new ServerSocket(0, 1, loopback));
            }
            return sockets.stream().mapToInt(ServerSocket::getLocalPort).toArray();
        } catch (IOException e) {
            throw new BrokerException("Could not find " + count + " free ports on " + HOST + " for the Kafka broker", e);
        } finally {
            for (ServerSocket socket : sockets) {
                try {
                    socket.close();
                } catch (IOException e) {
                    LOG.warn("Could not close probe socket on port {}", socket.getLocalPort(), e);
                }
            }
        }
    }

    private static void deleteRecursively(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException | UncheckedIOException e) {
            throw new BrokerException("Could not delete the Kafka broker's directory " + directory, e);
        }
    }
}
