package com.shopintent.scoring.runtime;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The class-data sharing archive (AppCDS) of {@link EmbeddedKafkaBroker}'s JVM: a broker started with it maps
 * Kafka's classes in parsed and verified instead of reading them from the jars, and serves clients about 1.3 s
 * sooner on two cores (medians of five starts each, alternating, 4 December: 2.5 s instead of 3.8 s, and 2.4 s
 * less CPU). The tests start a broker about thirty times, the demo once a run.
 *
 * <p>JDK 17 cannot make and refresh an archive by itself ({@code -XX:+AutoCreateSharedArchive} came with JDK 19),
 * so the first launch without one writes it as it stops ({@code -XX:ArchiveClassesAtExit}, about 5 s more on its
 * way out), to a name of its own; that file is moved into place after a clean stop only, never after a kill.
 * Later launches use it. There is one archive per JVM and class path, in the temporary directory, made again
 * once a jar on the class path is newer than it (a rebuild); the directory must be this user's alone. A JVM that
 * cannot use an archive (another build, no base archive) logs a warning to the broker's log and starts without one.
 *
 * <p>The JVM archives classes from jar files only, so the broker's class path is this JVM's jar entries plus
 * the entry {@link BrokerMain} comes from: the broker needs nothing from a test's class directories. Started
 * from class directories itself (an IDE), the broker runs from this JVM's whole class path without an archive.
 */
final class BrokerClassArchive {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerClassArchive.class);
    private static final Path DEFAULT_DIRECTORY = Path.of(System.getProperty("java.io.tmpdir"), "scoring-kafka-class-archives");
    /** Tells the archives written by launches of this JVM apart, so that concurrent brokers never share a file. */
    private static final AtomicLong WRITES = new AtomicLong();

    private final List<String> classPath;
    /** Null when {@link BrokerMain} is in a class directory, which the JVM cannot archive. */
    private final Path archive;

    private BrokerClassArchive(List<String> classPath, Path archive) {
        this.classPath = List.copyOf(classPath);
        this.archive = archive;
    }

    /** For this JVM's class path, in the temporary directory. */
    static BrokerClassArchive forThisJvm() {
        return forThisJvm(DEFAULT_DIRECTORY);
    }

    /** For this JVM's class path, kept in {@code directory}. */
    static BrokerClassArchive forThisJvm(Path directory) {
        return of(absoluteEntries(System.getProperty("java.class.path")), codeSourceOf(BrokerMain.class), directory);
    }

    /**
     * @param classPath absolute class path entries, in order
     * @param brokerMain the entry {@link BrokerMain} is loaded from
     * @param directory where archives are kept
     */
    static BrokerClassArchive of(List<String> classPath, String brokerMain, Path directory) {
        if (!isJar(brokerMain)) {
            return new BrokerClassArchive(classPath, null);
        }
        Set<String> jars = new LinkedHashSet<>();
        classPath.stream().filter(BrokerClassArchive::isJar).forEach(jars::add);
        jars.add(brokerMain);
        return new BrokerClassArchive(List.copyOf(jars), directory.resolve(name(jars) + ".jsa"));
    }

    /** The broker JVM's class path. */
    String classPath() {
        return String.join(File.pathSeparator, classPath);
    }

    /** The archive's file, or null when the class path cannot be archived. */
    Path file() {
        return archive;
    }

    /** Whether a launch now would use an archive: one exists, newer than every jar it holds classes of. */
    boolean isCurrent() {
        if (archive == null || !Files.isRegularFile(archive)) {
            return false;
        }
        try {
            long made = Files.getLastModifiedTime(archive).toMillis();
            for (String entry : classPath) {
                if (Files.getLastModifiedTime(Path.of(entry)).toMillis() > made) {
                    return false;
                }
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The options of one launch of the broker's JVM and what to do once it exits. */
    Launch launch() {
        if (archive == null || !isPrivateDirectory(archive.getParent())) {
            return new Launch(List.of(), null);
        }
        if (isCurrent()) {
            return new Launch(List.of("-XX:SharedArchiveFile=" + archive), null);
        }
        Path written = archive.resolveSibling(archive.getFileName() + "." + ProcessHandle.current().pid() + "-" + WRITES.incrementAndGet());
        // The dump warns of every class it skips (not linked, too old a class file): dozens of lines of no use here.
        return new Launch(List.of("-XX:ArchiveClassesAtExit=" + written, "-Xlog:cds=off", "-Xlog:cds+dynamic=off"), written);
    }

    /**
     * One launch: its JVM options, and the archive it writes as it stops (null if none).
     */
    final class Launch {

        private final List<String> jvmOptions;
        private final Path written;

        private Launch(List<String> jvmOptions, Path written) {
            this.jvmOptions = jvmOptions;
            this.written = written;
        }

        List<String> jvmOptions() {
            return jvmOptions;
        }

        /**
         * After the JVM exited: keeps the archive it wrote if it stopped cleanly (SIGTERM, then its own exit), and
         * removes it otherwise (a kill can cut the file short; a JVM that failed to start archived too little).
         */
        void exited(boolean stoppedCleanly) {
            if (written == null) {
                return;
            }
            try {
                if (stoppedCleanly && Files.isRegularFile(written) && Files.size(written) > 0) {
                    Files.move(written, archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                    LOG.info("Wrote the Kafka broker's class-data archive {}: later brokers start faster", archive);
                } else {
                    Files.deleteIfExists(written);
                }
            } catch (IOException e) {
                LOG.warn("Could not keep the Kafka broker's class-data archive {}", written, e);
            }
        }
    }

    /**
     * Whether the archives' directory is this user's alone, made so if it does not exist: the JVM maps an archive's
     * classes into the broker, so one that another user could have put in a shared temporary directory is not used.
     */
    private static boolean isPrivateDirectory(Path directory) {
        try {
            Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            PosixFileAttributes attributes = Files.readAttributes(directory, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            boolean ours = attributes.isDirectory() && attributes.owner().getName().equals(System.getProperty("user.name"))
                    && Collections.disjoint(attributes.permissions(), Set.of(PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE));
            if (!ours) {
                LOG.warn("{} is not this user's alone; the Kafka broker starts without a class-data archive", directory);
            }
            return ours;
        } catch (IOException | UnsupportedOperationException e) {
            LOG.warn("Could not make {} for class-data archives; the Kafka broker starts without one", directory, e);
            return false;
        }
    }

    private static boolean isJar(String entry) {
        return entry.endsWith(".jar") && Files.isRegularFile(Path.of(entry));
    }

    /** The same for the same JVM and class path, and for nothing else in practice. */
    private static String name(Set<String> jars) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update((System.getProperty("java.home") + "\n" + System.getProperty("java.vm.version") + "\n").getBytes(StandardCharsets.UTF_8));
            digest.update(String.join(File.pathSeparator, jars).getBytes(StandardCharsets.UTF_8));
            return "broker-" + HexFormat.of().formatHex(digest.digest(), 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /**
     * The class path's entries made absolute: the child runs in the broker's directory, so a relative entry
     * ({@code java -jar scoring-app/target/scoring-app.jar}) would not resolve there.
     */
    static List<String> absoluteEntries(String classPath) {
        List<String> entries = new ArrayList<>();
        for (String entry : classPath.split(File.pathSeparator)) {
            if (!entry.isEmpty()) {
                entries.add(Path.of(entry).toAbsolutePath().normalize().toString());
            }
        }
        return entries;
    }

    private static String codeSourceOf(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toAbsolutePath().normalize().toString();
        } catch (URISyntaxException e) {
            throw new UncheckedIOException(new IOException("cannot tell where " + type.getName() + " was loaded from", e));
        }
    }
}
