package com.shopintent.scoring.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.shopintent.scoring.TestModels;
import com.shopintent.scoring.features.FeatureSchema;
import com.shopintent.scoring.cli.CommandsTest.Run;
import com.shopintent.scoring.model.ModelMetadata;
import com.shopintent.scoring.model.ModelPackage;
import com.shopintent.scoring.model.TamperedPackages;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code models verify} and {@code models inspect} as a user runs them. */
class ModelsCommandTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"verify", "inspect", "import"})
    void shouldPrintHelpForEveryModelsCommand(String command) {
        Run run = CommandsTest.run("models", command, "--help");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("Usage: scoring models " + command);
    }

    @Test
    void shouldSayOkWithTheVersionAndPackageSha256OfAGoodPackage() {
        Path good = TestModels.packageDir();

        Run run = CommandsTest.run("models", "verify", good.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).startsWith("ok " + ModelPackage.readMetadata(good).version() + " package sha256 " + ModelPackage.packageSha256(good) + "\n")
                .contains("golden set: 200 rows");
    }

    @Test
    void shouldRefuseATamperedPackageWithItsReasonAndExitOne() {
        Path tampered = TamperedPackages.changedByte(TestModels.packageDir(), dir.resolve("p"));

        Run run = CommandsTest.run("models", "verify", tampered.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).startsWith("refused (checksum): ").contains(ModelPackage.BOOSTER_FILE);
        assertThat(run.out()).isEmpty();
    }

    @Test
    void shouldInspectFeaturesInModelOrderFilesAndTheVerdict() {
        Path good = TestModels.packageDir();
        ModelMetadata metadata = ModelPackage.readMetadata(good);

        Run run = CommandsTest.run("models", "inspect", good.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        List<String> lines = run.out().lines().toList();
        int first = lines.indexOf("features (model order):") + 1;
        List<String> listed = new ArrayList<>();
        for (String line : lines.subList(first, first + metadata.features().size())) {
            listed.add(line.trim().split("\\s+")[1]);
        }
        assertThat(listed).isEqualTo(metadata.features());
        assertThat(value(lines, "package sha256:")).isEqualTo(ModelPackage.packageSha256(good));
        assertThat(value(lines, "feature schema:")).endsWith("(matches this build)");
        assertThat(value(lines, ModelPackage.GOLDEN_FILE)).isEqualTo(metadata.files().get(ModelPackage.GOLDEN_FILE));
        assertThat(value(lines, "golden rows:")).isEqualTo("200");
        assertThat(value(lines, "metrics:")).startsWith("auc=");
        assertThat(lines.get(lines.size() - 1)).startsWith("verify:").endsWith(" ok");
    }

    @Test
    void shouldInspectAPackageThatDoesNotVerifyAndSayWhy() {
        Path tampered = TamperedPackages.otherFeatureSchema(TestModels.packageDir(), dir.resolve("p"));

        Run run = CommandsTest.run("models", "inspect", tampered.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        List<String> lines = run.out().lines().toList();
        assertThat(value(lines, "feature schema:")).contains("(differs: this build serves " + FeatureSchema.SCHEMA_HASH + ")");
        assertThat(value(lines.subList(lines.size() - 1, lines.size()), "verify:")).startsWith("refused (feature-schema): ");
    }

    /** What follows {@code name} on the one line (trimmed) that starts with it. */
    private static String value(List<String> lines, String name) {
        List<String> matching = lines.stream().map(String::trim).filter(line -> line.startsWith(name)).toList();
        assertThat(matching).as("lines starting with %s", name).hasSize(1);
        return matching.get(0).substring(name.length()).trim();
    }

    @Test
    void shouldPrintTheMetadataFileAsItIsWithJson() throws IOException {
        Path good = TestModels.packageDir();

        Run run = CommandsTest.run("models", "inspect", "--json", good.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo(Files.readString(good.resolve(ModelPackage.METADATA_FILE), StandardCharsets.UTF_8));
    }
}
