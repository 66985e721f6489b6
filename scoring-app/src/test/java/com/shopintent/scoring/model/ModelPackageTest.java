package com.shopintent.scoring.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.shopintent.scoring.TestModels;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each check of {@link ModelPackage#load} refuses the package it is there for, with its reason. */
class ModelPackageTest {

    @TempDir
    Path dir;

    @Test
    void shouldLoadTheGoodPackage() {
        ScoringModel model = ModelPackage.load(TestModels.packageDir());

        assertThat(model.version()).isEqualTo(ModelPackage.readMetadata(TestModels.packageDir()).version()).startsWith("xgb-");
    }

    @Test
    void shouldRefuseAChangedBoosterByItsChecksum() {
        Path tampered = TamperedPackages.changedByte(TestModels.packageDir(), dir.resolve("p"));

        assertThat(tampered.resolve(ModelPackage.METADATA_FILE)).hasSameBinaryContentAs(TestModels.packageDir().resolve(ModelPackage.METADATA_FILE));
        assertThatThrownBy(() -> ModelPackage.load(tampered)).isInstanceOf(ModelPackageException.class)
                .hasMessageContaining(ModelPackage.BOOSTER_FILE)
                .extracting(e -> ((ModelPackageException) e).reason()).isEqualTo(ModelPackageException.Reason.CHECKSUM);
    }

    @Test
    void shouldRefuseAPackageMadeForAnotherFeatureSchema() {
        Path tampered = TamperedPackages.otherFeatureSchema(TestModels.packageDir(), dir.resolve("p"));

        assertThatThrownBy(() -> ModelPackage.load(tampered)).isInstanceOf(ModelPackageException.class)
                .hasMessageContaining("another feature schema")
                .extracting(e -> ((ModelPackageException) e).reason()).isEqualTo(ModelPackageException.Reason.FEATURE_SCHEMA);
    }

    @Test
    void shouldRefuseAGoldenSetTheScorerDoesNotReproduce() {
        Path tampered = TamperedPackages.goldenNotReproduced(TestModels.packageDir(), dir.resolve("p"));

        assertThatThrownBy(() -> ModelPackage.load(tampered)).isInstanceOf(ModelPackageException.class)
                .hasMessageContaining("golden row 0")
                .extracting(e -> ((ModelPackageException) e).reason()).isEqualTo(ModelPackageException.Reason.GOLDEN_SET);
    }

    @Test
    void shouldRefuseTheFirstPackageFormat() {
        Path copy = TamperedPackages.copy(TestModels.packageDir(), dir.resolve("p"));
        ModelMetadata m = ModelPackage.readMetadata(TestModels.packageDir());
        TamperedPackages.writeMetadata(copy, new ModelMetadata(1, m.version(), m.createdAt(), m.origin(), m.label(),
                m.positiveClass(), m.features(), m.featureSchemaHash(), m.trainingData(), m.settings(), m.metrics(), m.files()));

        assertThatThrownBy(() -> ModelPackage.load(copy)).isInstanceOf(ModelPackageException.class)
                .hasMessageContaining("package format 1")
                .extracting(e -> ((ModelPackageException) e).reason()).isEqualTo(ModelPackageException.Reason.FORMAT);
    }

    @Test
    void shouldRefuseAFileNameThatLeavesThePackageEvenWithTheRightChecksum() throws IOException {
        Path copy = TamperedPackages.copy(TestModels.packageDir(), dir.resolve("p"));
        Path outside = dir.resolve("x");
        Files.writeString(outside, "outside the package", StandardCharsets.UTF_8);
        ModelMetadata m = ModelPackage.readMetadata(TestModels.packageDir());
        Map<String, String> files = new LinkedHashMap<>(m.files());
        files.put("../x", ModelPackage.sha256(outside));
        TamperedPackages.writeMetadata(copy, new ModelMetadata(m.formatVersion(), m.version(), m.createdAt(), m.origin(), m.label(),
                m.positiveClass(), m.features(), m.featureSchemaHash(), m.trainingData(), m.settings(), m.metrics(), files));

        assertThatThrownBy(() -> ModelPackage.load(copy)).isInstanceOf(ModelPackageException.class)
                .hasMessageContaining("../x leaves the package")
                .extracting(e -> ((ModelPackageException) e).reason()).isEqualTo(ModelPackageException.Reason.FORMAT);
    }
}
