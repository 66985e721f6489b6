package com.shopintent.scoring.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.shopintent.scoring.TestModels;
import com.shopintent.scoring.features.DatasetRow;
import com.shopintent.scoring.features.FeatureSchema;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.Example;
import org.tribuo.Model;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;

/** The fast scorer must give Tribuo's probability on every row of the shipped data set. */
class ScorerParityTest {

    @Test
    void shouldMatchTribuoOnEveryDatasetRow() {
        List<DatasetRow> rows = TestModels.shippedRows();
        Model<Label> tribuo = ModelPackage.loadTribuo(TestModels.packageDir());
        ScoringModel fast = ModelPackage.load(TestModels.packageDir());
        List<Example<Label>> examples = new ArrayList<>();
        for (DatasetRow row : rows) {
            examples.add(ModelTrainer.example(FeatureSchema.encode(row.features()), ModelTrainer.NO_PURCHASE));
        }

        List<Prediction<Label>> predictions = tribuo.predict(examples);

        assertThat(predictions).hasSize(rows.size());
        double worst = 0;
        for (int i = 0; i < rows.size(); i++) {
            double expected = predictions.get(i).getOutputScores().get("true").getScore();
            double actual = fast.score(rows.get(i).features());
            assertThat(actual).as("data row %d", rows.get(i).row()).isCloseTo(expected, within(1e-6));
            worst = Math.max(worst, Math.abs(actual - expected));
        }
        assertThat(worst).isLessThan(1e-6);
    }

    @Test
    void shouldReachTheQualityOfPublishedResultsOnHeldOutRows() {
        ModelMetrics metrics = ModelPackage.readMetadata(TestModels.packageDir()).metrics();

        assertThat(metrics.auc()).isGreaterThanOrEqualTo(0.92);
        assertThat(metrics.brier()).isLessThan(0.1);
        assertThat(metrics.accuracy()).isGreaterThan(0.85);
    }

    @Test
    void shouldSplitEachClassInTheSameProportion() {
        List<DatasetRow> train = new ArrayList<>();
        List<DatasetRow> test = new ArrayList<>();
        ModelTrainer.split(TestModels.shippedRows(), TrainingSettings.defaults(7), train, test);

        double trainRate = train.stream().filter(DatasetRow::revenue).count() / (double) train.size();
        double testRate = test.stream().filter(DatasetRow::revenue).count() / (double) test.size();
        assertThat(train.size() + test.size()).isEqualTo(TestModels.shippedRows().size());
        assertThat(testRate).isCloseTo(trainRate, within(0.002));
        assertThat(test.size()).isCloseTo(TestModels.shippedRows().size() / 5, within(2));
    }

    @Test
    void shouldRefuseAPackageWhoseFileWasChanged(@TempDir Path dir) throws IOException {
        for (String file : List.of(ModelPackage.TRIBUO_FILE, ModelPackage.BOOSTER_FILE, ModelPackage.METADATA_FILE)) {
            Files.copy(TestModels.packageDir().resolve(file), dir.resolve(file));
        }
        Files.writeString(dir.resolve(ModelPackage.BOOSTER_FILE), " ", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);

        assertThatThrownBy(() -> ModelPackage.load(dir)).isInstanceOf(ModelPackageException.class)
                .hasMessageContaining(ModelPackage.BOOSTER_FILE).hasMessageContaining("sha256");
    }

    @Test
    void shouldRefuseADirectoryThatIsNotAPackage(@TempDir Path dir) {
        assertThatThrownBy(() -> ModelPackage.load(dir)).isInstanceOf(ModelPackageException.class)
                .hasMessageContaining("metadata.json is missing");
    }

    @Test
    void shouldNameTheVersionAfterTheTrees() throws IOException {
        ModelMetadata metadata = ModelPackage.readMetadata(TestModels.packageDir());

        assertThat(metadata.version()).isEqualTo("xgb-" + metadata.files().get(ModelPackage.BOOSTER_FILE).substring(0, 12));
        assertThat(metadata.features()).containsExactlyInAnyOrderElementsOf(FeatureSchema.COLUMNS);
    }
}
