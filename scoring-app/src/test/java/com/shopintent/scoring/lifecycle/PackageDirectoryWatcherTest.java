package com.shopintent.scoring.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import com.shopintent.scoring.TestModels;
import com.shopintent.scoring.metrics.ScoringMetrics;
import com.shopintent.scoring.model.ModelPackage;
import com.shopintent.scoring.model.ScoringModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The watcher's scans are called directly: what a scan does is the subject, not the timer. */
class PackageDirectoryWatcherTest {

    /** Longer than any test: the scheduled scans never run, the test calls {@code scan()} itself. */
    private static final Duration NEVER = Duration.ofHours(1);

    @TempDir
    Path watched;
    @TempDir
    Path fetched;

    private final ScoringModel boot = TestModels.scoringModel();
    private final String otherVersion = ModelPackage.readMetadata(TestModels.otherPackageDir()).version();

    @Test
    void shouldMakeAPackageThatAppearsChampionAndPassOverHiddenOnes() {
        ModelRegistry registry = new ModelRegistry(boot, new PackageFetcher(fetched), ScoringMetrics.inMemory());
        try (PackageDirectoryWatcher watcher = new PackageDirectoryWatcher(watched, registry)) {
            watcher.start(NEVER);
            assertThat(registry.get().champion()).isSameAs(boot);

            Packages.copy(TestModels.otherPackageDir(), watched.resolve(".incoming"));
            watcher.scan();
            assertThat(registry.get().champion()).as("a dot directory is still being copied").isSameAs(boot);

            move(watched.resolve(".incoming"), watched.resolve("v2"));
            watcher.scan();
            assertThat(registry.get().champion().version()).isEqualTo(otherVersion);
        }
    }

    @Test
    void shouldTryAPackageAgainOnceItsFilesAreComplete() throws IOException {
        ScoringMetrics metrics = ScoringMetrics.inMemory();
        ModelRegistry registry = new ModelRegistry(boot, new PackageFetcher(fetched), metrics);
        try (PackageDirectoryWatcher watcher = new PackageDirectoryWatcher(watched, registry)) {
            watcher.start(NEVER);
            Path incomplete = Files.createDirectories(watched.resolve("v2"));
            Files.copy(TestModels.otherPackageDir().resolve(ModelPackage.METADATA_FILE), incomplete.resolve(ModelPackage.METADATA_FILE));
            watcher.scan();
            assertThat(registry.get().champion()).isSameAs(boot);
            assertThat(metrics.registry().find(ScoringMetrics.MODEL_REFUSALS).counters()).isNotEmpty();

            for (String file : TestModels.otherPackageDir().toFile().list()) {
                if (!file.equals(ModelPackage.METADATA_FILE)) {
                    Files.copy(TestModels.otherPackageDir().resolve(file), incomplete.resolve(file));
                }
            }
            // The copied files' times can equal the metadata's on a coarse clock; the package changed all the same.
            Files.setLastModifiedTime(incomplete.resolve(ModelPackage.BOOSTER_FILE),
                    java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 60_000));
            watcher.scan();
            assertThat(registry.get().champion().version()).isEqualTo(otherVersion);
        }
    }

    @Test
    void shouldStartWithTheNewestPackageAlreadyInTheDirectory() {
        Path older = Packages.copy(TestModels.packageDir(), watched.resolve("v1"));
        Path newer = Packages.copy(TestModels.otherPackageDir(), watched.resolve("v2"));
        setTimes(older, System.currentTimeMillis() - 3_600_000);
        setTimes(newer, System.currentTimeMillis() - 60_000);
        ModelRegistry registry = new ModelRegistry(boot, new PackageFetcher(fetched), ScoringMetrics.inMemory());
        try (PackageDirectoryWatcher watcher = new PackageDirectoryWatcher(watched, registry)) {
            watcher.start(NEVER);
            assertThat(registry.get().champion().version()).isEqualTo(otherVersion);
            watcher.scan();
            assertThat(registry.get().champion().version()).as("packages seen at start are not applied again").isEqualTo(otherVersion);
        }
    }

    private static void move(Path from, Path to) {
        try {
            Files.move(from, to);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void setTimes(Path dir, long millis) {
        for (String file : dir.toFile().list()) {
            try {
                Files.setLastModifiedTime(dir.resolve(file), java.nio.file.attribute.FileTime.fromMillis(millis));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }
}
