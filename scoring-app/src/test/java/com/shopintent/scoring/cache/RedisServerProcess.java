package com.shopintent.scoring.cache;

import com.shopintent.scoring.TestCertificates;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SslOptions;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.SocketFactory;
import redis.embedded.core.ExecutableProvider;

/**
 * A real redis-server in a child process, for the ITs: {@code redis-server} from the PATH when
 * there is one, else the linux-amd64 6.2 binary that embedded-redis ships (it needs libssl3).
 * Started here rather than through embedded-redis's own wrapper because the tests need the
 * process itself: to kill it, restart it on the same port, and pause it with SIGSTOP. A TLS
 * server ({@link #startTls}) listens for TLS only, with the certificate of a {@link TestCertificates}.
 * Public for the fault-injection ITs of the runtime package, which stop it under a running stream.
 */
public final class RedisServerProcess implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

    private final int port;
    private final List<String> extraArgs;
    private final TestCertificates tls;
    private final Path dir;
    private Process process;

    private RedisServerProcess(int port, List<String> extraArgs, TestCertificates tls) throws IOException {
        this.port = port;
        this.extraArgs = extraArgs;
        this.tls = tls;
        this.dir = Files.createTempDirectory("redis-it");
    }

    /** A server on a free port with these extra options ({@code --requirepass x}, {@code --cluster-enabled yes}). */
    public static RedisServerProcess start(String... extraArgs) {
        return start(null, List.of(extraArgs));
    }

    /**
     * A server that accepts TLS only, on a free port, presenting the server certificate of
     * {@code certificates}; clients need no certificate of their own.
     */
    static RedisServerProcess startTls(TestCertificates certificates, String... extraArgs) {
        return start(certificates, List.of(extraArgs));
    }

    private static RedisServerProcess start(TestCertificates tls, List<String> extraArgs) {
        try {
            RedisServerProcess server = new RedisServerProcess(freePort(), extraArgs, tls);
            server.startProcess();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start redis-server", e);
        }
    }

    int port() {
        return port;
    }

    /** {@code redis://127.0.0.1:<port>}, or {@code rediss://} for a TLS server. */
    public String uri() {
        return (tls == null ? "redis" : "rediss") + "://127.0.0.1:" + port;
    }

    /** A client of this server, trusting its CA when it is a TLS server; the caller closes it. */
    public RedisClient client() {
        return withTls(RedisClient.create(uri()));
    }

    /** {@link #client()} authenticating as this ACL user, for a server without a usable default user. */
    public RedisClient client(String username, String password) {
        RedisURI uri = RedisURI.create(uri());
        uri.setAuthentication(username, password);
        return withTls(RedisClient.create(uri));
    }

    private RedisClient withTls(RedisClient client) {
        if (tls != null) {
            client.setOptions(ClientOptions.builder()
                    .sslOptions(SslOptions.builder().jdkSslProvider().trustManager(tls.caPem().toFile()).build()).build());
        }
        return client;
    }

    long pid() {
        return process.pid();
    }

    /** Starts the server again on the same port, empty (the tests keep no data on disk). */
    public void restart() {
        try {
            startProcess();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot restart redis-server on port " + port, e);
        }
    }

    /** Kills the server (SIGKILL), as a crashed node. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** SIGSTOP: the server keeps its connections open and answers nothing, a stalled node. */
    void pause() {
        signal("-STOP");
    }

    void resume() {
        signal("-CONT");
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            resume();
            kill();
        }
        try (var paths = Files.walk(dir)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + dir, e);
        }
    }

    private void startProcess() throws IOException {
        List<String> command = new ArrayList<>(List.of(executable(), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString()));
        if (tls == null) {
            command.addAll(List.of("--port", Integer.toString(port)));
        } else {
            // Port 0 turns the plain listener off: every client must speak TLS.
            command.addAll(List.of("--port", "0", "--tls-port", Integer.toString(port),
                    "--tls-cert-file", tls.serverCertPem().toString(), "--tls-key-file", tls.serverKeyPem().toString(),
                    "--tls-ca-cert-file", tls.caPem().toString(), "--tls-auth-clients", "no"));
        }
        command.addAll(extraArgs);
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("redis-" + System.nanoTime() + ".log").toFile()).start();
        SocketFactory sockets = sockets();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("redis-server exited with " + process.exitValue() + "; its log is in " + dir);
            }
            if (answersPing(sockets)) {
                return;
            }
            try {
                process.waitFor(50, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while starting redis-server", e);
            }
        }
        throw new IOException("redis-server did not answer on port " + port + " within " + START_TIMEOUT);
    }

    /**
     * Whether the server answers PING now; over TLS the client checks the certificate against the
     * test CA but not the name in it, so this also tells whether a server is up whose certificate
     * names another host.
     */
    public boolean answersPing() {
        return answersPing(sockets());
    }

    /** Plain sockets, or TLS sockets trusting the test CA (the handshake happens on the first write). */
    private SocketFactory sockets() {
        return tls == null ? SocketFactory.getDefault() : tls.clientContext().getSocketFactory();
    }

    /** Any reply to PING (+PONG, or -NOAUTH when a password is required) means it is up. */
    private boolean answersPing(SocketFactory sockets) {
        try (Socket socket = sockets.createSocket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            socket.setSoTimeout(500);
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            int first = in.read();
            return first == '+' || first == '-';
        } catch (IOException e) {
            return false;
        }
    }

    private void signal(String signal) {
        try {
            Process kill = new ProcessBuilder("kill", signal, Long.toString(process.pid())).inheritIO().start();
            if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill " + signal + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot signal redis-server", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while signalling redis-server", e);
        }
    }

    private static String executable() throws IOException {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, "redis-server");
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return ExecutableProvider.newJarResourceProvider().get().getAbsolutePath();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
