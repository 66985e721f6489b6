package com.shopintent.scoring.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import com.shopintent.scoring.TestModels;
import com.shopintent.scoring.metrics.ScoringMetrics;
import com.shopintent.scoring.model.ModelPackage;
import com.shopintent.scoring.model.ModelPackageException.Reason;
import com.shopintent.scoring.model.ScoringModel;
import com.shopintent.scoring.model.TamperedPackages;
import io.micrometer.core.instrument.Counter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ModelRegistryTest {

    @TempDir
    Path work;

    private final ScoringModel champion = TestModels.scoringModel();
    private final ScoringMetrics metrics = ScoringMetrics.inMemory();

    private ModelRegistry registry() {
        return new ModelRegistry(champion, new PackageFetcher(work.resolve("fetched")), metrics);
    }

    @Test
    void shouldSwapInAnAnnouncedChampionOnceAndCountTheSwap() {
        ModelRegistry registry = registry();
        ModelAnnouncement other = Packages.announce(TestModels.otherPackageDir(), ModelRole.CHAMPION);

        assertThat(registry.apply(ModelRole.CHAMPION, other)).isEqualTo(ModelRegistry.Outcome.SWAPPED);
        assertThat(registry.apply(ModelRole.CHAMPION, other)).isEqualTo(ModelRegistry.Outcome.UNCHANGED);

        assertThat(registry.get().champion().version()).isEqualTo(other.version()).isNotEqualTo(champion.version());
        assertThat(registry.get().challenger()).isNull();
        assertThat(count(ScoringMetrics.MODEL_SWAPS, ScoringMetrics.TAG_ROLE, "champion")).isEqualTo(1);
        assertThat(gauge()).isEqualTo(1);
    }

    enum Tampering {
        CHANGED_BYTE(TamperedPackages::changedByte, Reason.CHECKSUM),
        OTHER_FEATURE_SCHEMA(TamperedPackages::otherFeatureSchema, Reason.FEATURE_SCHEMA),
        GOLDEN_SET_NOT_REPRODUCED(TamperedPackages::goldenNotReproduced, Reason.GOLDEN_SET);

        final BiFunction<Path, Path, Path> tamper;
        final Reason reason;

        Tampering(BiFunction<Path, Path, Path> tamper, Reason reason) {
            this.tamper = tamper;
            this.reason = reason;
        }
    }

    @ParameterizedTest
    @EnumSource(Tampering.class)
    void shouldRefuseABadPackageAndKeepServingTheModelItHas(Tampering tampering) {
        ModelRegistry registry = registry();
        Path bad = tampering.tamper.apply(TestModels.otherPackageDir(), work.resolve("bad"));

        assertThat(registry.apply(ModelRole.CHAMPION, Packages.announce(bad, ModelRole.CHAMPION))).isEqualTo(ModelRegistry.Outcome.REFUSED);

        assertThat(registry.get().champion()).isSameAs(champion);
        assertThat(count(ScoringMetrics.MODEL_REFUSALS, ScoringMetrics.TAG_REASON, tampering.reason.code())).isEqualTo(1);
        assertThat(count(ScoringMetrics.MODEL_SWAPS, ScoringMetrics.TAG_ROLE, "champion")).isZero();
    }

    @Test
    void shouldRefuseAPackageWhoseMetadataIsNotTheAnnouncedOne() {
        ModelRegistry registry = registry();
        ModelAnnouncement good = Packages.announce(TestModels.otherPackageDir(), ModelRole.CHAMPION);
        ModelAnnouncement wrongSha = new ModelAnnouncement(good.version(), good.location(), "0".repeat(64), ModelRole.CHAMPION, Instant.now());
        ModelAnnouncement wrongVersion = new ModelAnnouncement("xgb-000000000000", good.location(), good.sha256(), ModelRole.CHAMPION, Instant.now());

        assertThat(registry.apply(ModelRole.CHAMPION, wrongSha)).isEqualTo(ModelRegistry.Outcome.REFUSED);
        assertThat(registry.apply(ModelRole.CHAMPION, wrongVersion)).isEqualTo(ModelRegistry.Outcome.REFUSED);

        assertThat(registry.get().champion()).isSameAs(champion);
        assertThat(count(ScoringMetrics.MODEL_REFUSALS, ScoringMetrics.TAG_REASON, Reason.CHECKSUM.code())).isEqualTo(2);
    }

    @Test
    void shouldRefuseAnAnnouncementUnderAnotherRolesKey() {
        ModelRegistry registry = registry();

        assertThat(registry.apply(ModelRole.CHAMPION, Packages.announce(TestModels.otherPackageDir(), ModelRole.CHALLENGER)))
                .isEqualTo(ModelRegistry.Outcome.REFUSED);

        assertThat(registry.get().champion()).isSameAs(champion);
        assertThat(registry.get().challenger()).isNull();
        assertThat(count(ScoringMetrics.MODEL_REFUSALS, ScoringMetrics.TAG_REASON, Reason.INVALID_ANNOUNCEMENT.code())).isEqualTo(1);
    }

    @Test
    void shouldAddAndRetireAChallengerBesideAnUnchangedChampion() {
        ModelRegistry registry = registry();
        ModelAnnouncement challenger = Packages.announce(TestModels.otherPackageDir(), ModelRole.CHALLENGER);

        assertThat(registry.apply(ModelRole.CHALLENGER, challenger)).isEqualTo(ModelRegistry.Outcome.SWAPPED);
        assertThat(registry.get().champion()).isSameAs(champion);
        assertThat(registry.get().challenger().version()).isEqualTo(challenger.version());
        assertThat(gauge()).isEqualTo(2);

        assertThat(registry.apply(ModelRole.CHALLENGER, null)).isEqualTo(ModelRegistry.Outcome.SWAPPED);
        assertThat(registry.get().challenger()).isNull();
        assertThat(registry.get().champion()).isSameAs(champion);
        assertThat(gauge()).isEqualTo(1);
        assertThat(count(ScoringMetrics.MODEL_SWAPS, ScoringMetrics.TAG_ROLE, "retired")).isEqualTo(1);
        assertThat(registry.apply(ModelRole.CHAMPION, null)).as("a champion is never removed").isEqualTo(ModelRegistry.Outcome.UNCHANGED);
        assertThat(registry.get().champion()).isSameAs(champion);
    }

    @Test
    void shouldPromoteTheChallengersLoadedModelAndEndItsChallengeInTheSameSwap() {
        ModelRegistry registry = registry();
        Path copy = Packages.copy(TestModels.otherPackageDir(), work.resolve("challenger"));
        ModelAnnouncement challenger = Packages.announce(copy, ModelRole.CHALLENGER);
        registry.apply(ModelRole.CHALLENGER, challenger);
        ScoringModel loaded = registry.get().challenger();

        // The location is gone by now: the challenger's model is used as it is, not fetched again.
        deleteRecursively(copy);
        assertThat(registry.apply(ModelRole.CHAMPION, challenger.as(ModelRole.CHAMPION))).isEqualTo(ModelRegistry.Outcome.SWAPPED);

        assertThat(registry.get().champion()).isSameAs(loaded);
        assertThat(registry.get().challenger()).isNull();
        assertThat(registry.apply(ModelRole.CHALLENGER, null)).as("the tombstone that follows a promotion").isEqualTo(ModelRegistry.Outcome.UNCHANGED);
    }

    @Test
    void shouldServeWhatItHadWhenTheAnnouncedLocationIsUnreadable() {
        ModelRegistry registry = registry();
        ModelAnnouncement good = Packages.announce(TestModels.otherPackageDir(), ModelRole.CHAMPION);
        ModelAnnouncement missing = new ModelAnnouncement(good.version(), work.resolve("nowhere").toString(), good.sha256(),
                ModelRole.CHAMPION, Instant.now());

        assertThat(registry.apply(ModelRole.CHAMPION, missing)).isEqualTo(ModelRegistry.Outcome.REFUSED);
        assertThat(registry.get().champion()).isSameAs(champion);
        assertThat(count(ScoringMetrics.MODEL_REFUSALS, ScoringMetrics.TAG_REASON, Reason.UNREADABLE.code())).isEqualTo(1);
        // Once the package is there, the same announcement is taken.
        assertThat(registry.apply(ModelRole.CHAMPION, good)).isEqualTo(ModelRegistry.Outcome.SWAPPED);
        assertThat(registry.get().champion().version()).isEqualTo(ModelPackage.readMetadata(TestModels.otherPackageDir()).version());
    }

    private double count(String name, String tag, String value) {
        Counter counter = metrics.registry().find(name).tag(tag, value).counter();
        return counter == null ? 0 : counter.count();
    }

    private double gauge() {
        return metrics.registry().get(ScoringMetrics.ACTIVE_MODELS).gauge().value();
    }

    private static void deleteRecursively(Path dir) {
        try (var paths = java.nio.file.Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
