package com.shopintent.scoring.lifecycle;

import com.shopintent.scoring.model.ModelPackage;
import com.shopintent.scoring.model.ModelPackageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hot swap for a single instance without Kafka announcements: each model package directory that
 * appears in a watched directory becomes the champion, through the same checks as an announced
 * one. Copy a package in under a name starting with a dot and rename it when complete; a package
 * still being written fails its checks and is tried again when its files change. Polled rather
 * than watched with inotify, which misses changes on network and container volume mounts.
 */
public final class PackageDirectoryWatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PackageDirectoryWatcher.class);

    private final Path dir;
    private final ModelRegistry registry;
    /** Packages tried, by name, metadata sha256 and newest file time: a changed package is tried again. */
    private final Set<String> tried = new HashSet<>();
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "model-directory-watcher");
        thread.setDaemon(true);
        return thread;
    });

    public PackageDirectoryWatcher(Path dir, ModelRegistry registry) {
        this.dir = dir;
        this.registry = registry;
    }

    /** Makes the newest package already there champion (before the application serves), then polls every {@code interval}. */
    public void start(Duration interval) {
        List<Candidate> present = candidates();
        present.forEach(candidate -> tried.add(candidate.key()));
        if (!present.isEmpty()) {
            apply(present.get(present.size() - 1));
        }
        executor.scheduleWithFixedDelay(this::scan, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Tries every new or changed package, oldest first, so the newest ends up champion. */
    synchronized void scan() {
        try {
            for (Candidate candidate : candidates()) {
                if (tried.add(candidate.key())) {
                    apply(candidate);
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("Cannot scan model directory {}: {}", dir, e.toString());
        }
    }

    private void apply(Candidate candidate) {
        String sha256 = candidate.sha256();
        ModelAnnouncement announcement;
        try {
            announcement = new ModelAnnouncement(ModelPackage.readMetadata(candidate.dir()).version(), candidate.dir().toString(),
                    sha256, ModelRole.CHAMPION, Instant.now());
        } catch (ModelPackageException | IllegalArgumentException e) {
            registry.refuse(e instanceof ModelPackageException p ? p.reason() : ModelPackageException.Reason.FORMAT,
                    candidate.dir() + ": " + e.getMessage());
            return;
        }
        registry.apply(ModelRole.CHAMPION, announcement);
    }

    private List<Candidate> candidates() {
        try (Stream<Path> children = Files.list(dir)) {
            return children
                    .filter(child -> !child.getFileName().toString().startsWith("."))
                    .filter(child -> Files.isRegularFile(child.resolve(ModelPackage.METADATA_FILE)))
                    .map(PackageDirectoryWatcher::candidate)
                    .sorted(Comparator.comparing(Candidate::newest))
                    .toList();
        } catch (IOException e) {
            throw new ModelPackageException(ModelPackageException.Reason.UNREADABLE, "cannot list " + dir + ": " + e, e);
        }
    }

    private static Candidate candidate(Path dir) {
        FileTime newest = FileTime.fromMillis(0);
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.toList()) {
                FileTime time = Files.getLastModifiedTime(file);
                newest = time.compareTo(newest) > 0 ? time : newest;
            }
        } catch (IOException e) {
            // Listed a moment ago: it is being replaced; the next scan sees it complete.
        }
        return new Candidate(dir, newest, ModelPackage.packageSha256(dir));
    }

    private record Candidate(Path dir, FileTime newest, String sha256) {
        String key() {
            return dir.getFileName() + "|" + sha256 + "|" + newest.toMillis();
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
