package com.shopintent.scoring.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.shopintent.scoring.TestModels;
import com.shopintent.scoring.cli.CommandsTest.Run;
import com.shopintent.scoring.features.DatasetRow;
import com.shopintent.scoring.features.FeatureSchema;
import com.shopintent.scoring.model.GoldenSet;
import com.shopintent.scoring.model.ModelMetadata;
import com.shopintent.scoring.model.ModelPackage;
import com.shopintent.scoring.model.ScoringModel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code models import} of a model trained outside this program: xgboost4j directly, with the
 * columns in another order than the feature schema's and named, as a pandas-trained model is.
 */
class XGBoostJsonImportTest {

    /** The model's own input order: the schema's reversed. */
    private static final List<String> MODEL_ORDER = reversed(FeatureSchema.COLUMNS);

    @TempDir
    static Path trained;
    private static Path modelJson;
    private static Path modelUbj;
    private static Path mapping;

    @TempDir
    Path dir;

    @BeforeAll
    static void trainAModelWithXGBoostItself() throws XGBoostError, IOException {
        List<DatasetRow> rows = TestModels.shippedRows();
        float[] labels = new float[rows.size()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = rows.get(i).revenue() ? 1 : 0;
        }
        DMatrix train = matrix(rows);
        Booster booster = null;
        try {
            train.setLabel(labels);
            booster = XGBoost.train(train, Map.of("objective", "binary:logistic", "max_depth", 4, "eta", 0.3,
                    "nthread", 2, "seed", 7), 30, Map.of(), null, null);
            booster.setFeatureNames(MODEL_ORDER.toArray(new String[0]));
            modelJson = trained.resolve("shop-model.json");
            booster.saveModel(modelJson.toString());
            modelUbj = trained.resolve("shop-model.ubj");
            booster.saveModel(modelUbj.toString());
        } finally {
            train.dispose();
            if (booster != null) {
                booster.dispose();
            }
        }
        mapping = trained.resolve("features.txt");
        Files.writeString(mapping, "# model input order of shop-model.json\n\n" + String.join("\n", MODEL_ORDER) + "\n", StandardCharsets.UTF_8);
    }

    @Test
    void shouldImportAModelThatScoresAsNativeXGBoostOnDatasetRows() throws XGBoostError, IOException {
        Path out = dir.resolve("imported");

        Run run = CommandsTest.run("models", "import", "--xgboost-json", modelJson.toString(), "--features", mapping.toString(),
                "--out", out.toString());

        assertThat(Files.readString(modelJson, StandardCharsets.UTF_8)).startsWith("{");
        assertThat(run.exitCode()).as(run.err()).isZero();
        Matcher parity = Pattern.compile("parity: largest difference from native XGBoost (\\S+) over 200 golden rows").matcher(run.out());
        assertThat(parity.find()).as(run.out()).isTrue();
        assertThat(Double.parseDouble(parity.group(1))).isLessThanOrEqualTo(GoldenSet.TOLERANCE);
        assertThat(CommandsTest.run("models", "verify", out.toString()).exitCode()).isZero();

        ModelMetadata metadata = ModelPackage.readMetadata(out);
        ScoringModel model = ModelPackage.load(out);
        assertThat(model.version()).startsWith("xgb-");
        assertThat(run.out()).startsWith("imported " + model.version() + " from shop-model.json");
        assertThat(metadata.features()).isEqualTo(MODEL_ORDER);
        assertThat(metadata.origin()).startsWith("imported from shop-model.json (XGBoost JSON, sha256 " + model.version().substring(4));
        assertThat(metadata.featureSchemaHash()).isEqualTo(FeatureSchema.SCHEMA_HASH);
        assertThat(metadata.trainingData()).isNull();

        List<DatasetRow> all = TestModels.shippedRows();
        List<DatasetRow> sample = IntStream.range(0, 1000).mapToObj(i -> all.get(i * all.size() / 1000)).toList();
        float[][] expected = predict(modelJson, sample);
        double lowest = 1;
        double highest = 0;
        for (int i = 0; i < sample.size(); i++) {
            double score = model.score(sample.get(i).features());
            assertThat(score).as("data row %d", sample.get(i).row()).isCloseTo(expected[i][0], within(1e-6));
            lowest = Math.min(lowest, score);
            highest = Math.max(highest, score);
        }
        // A model that scored every row alike would match for the wrong reason.
        assertThat(lowest).isLessThan(0.05);
        assertThat(highest).isGreaterThan(0.9);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "unknown name | PageValues=PageValue | 'PageValue' is not a feature schema column",
        "duplicate    | PageValues=Month     | 'Month' is mapped twice (first on line",
        "wrong count  | PageValues=          | the feature mapping names 16 features, ",
    })
    void shouldRefuseABadMappingAndSayWhatIsWrong(String caseName, String edit, String message) throws IOException {
        String[] change = edit.split("=", -1);
        List<String> lines = new ArrayList<>();
        for (String name : MODEL_ORDER) {
            if (!name.equals(change[0])) {
                lines.add(name);
            } else if (!change[1].isEmpty()) {
                lines.add(change[1]);
            }
        }
        Path bad = dir.resolve("bad-features.txt");
        Files.write(bad, lines, StandardCharsets.UTF_8);
        Path out = dir.resolve("imported");

        Run run = CommandsTest.run("models", "import", "--xgboost-json", modelJson.toString(), "--features", bad.toString(),
                "--out", out.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).startsWith("error: ").contains(message).doesNotContain("\tat ");
        assertThat(out).doesNotExist();
    }

    @Test
    void shouldRefuseAMappingThatDisagreesWithTheModelsFeatureNames() throws IOException {
        Path schemaOrder = dir.resolve("schema-order.txt");
        Files.write(schemaOrder, FeatureSchema.COLUMNS, StandardCharsets.UTF_8);

        Run run = CommandsTest.run("models", "import", "--xgboost-json", modelJson.toString(), "--features", schemaOrder.toString(),
                "--out", dir.resolve("imported").toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("disagrees with the feature_names").contains("at model input 0: the model says 'Weekend', the mapping 'Administrative'");
    }

    @Test
    void shouldRefuseAModelSavedAsUbjsonWithAHint() {
        Run run = CommandsTest.run("models", "import", "--xgboost-json", modelUbj.toString(), "--features", mapping.toString(),
                "--out", dir.resolve("imported").toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("is not an XGBoost JSON model").contains("save it with a .json file name");
    }

    @Test
    void shouldRefuseToWriteIntoADirectoryThatIsNotEmpty() throws IOException {
        Files.writeString(dir.resolve("notes.txt"), "kept", StandardCharsets.UTF_8);

        Run run = CommandsTest.run("models", "import", "--xgboost-json", modelJson.toString(), "--features", mapping.toString(),
                "--out", dir.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("is not empty");
        assertThat(dir.resolve(ModelPackage.METADATA_FILE)).doesNotExist();
    }

    @Test
    void shouldImportAMultiClassBoosterAsTheSameContentAddressedVersion() throws IOException {
        // Tribuo's booster: multi:softprob over two classes, no feature_names, purchase at the recorded class.
        Path trainedHere = TestModels.packageDir();
        ModelMetadata original = ModelPackage.readMetadata(trainedHere);
        Path features = dir.resolve("features.txt");
        Files.write(features, original.features(), StandardCharsets.UTF_8);
        Path out = dir.resolve("imported");

        Run run = CommandsTest.run("models", "import", "--xgboost-json", trainedHere.resolve(ModelPackage.BOOSTER_FILE).toString(),
                "--features", features.toString(), "--positive-class", String.valueOf(original.positiveClass()), "--out", out.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        ScoringModel imported = ModelPackage.load(out);
        assertThat(imported.version()).isEqualTo(original.version());
        DatasetRow row = TestModels.shippedRows().get(41);
        assertThat(imported.score(row.features())).isEqualTo(TestModels.scoringModel().score(row.features()));
    }

    @Test
    void shouldImportAMultiSoftmaxModelWithProbabilitiesFromItsMargins() throws XGBoostError, IOException {
        List<DatasetRow> rows = TestModels.shippedRows().subList(0, 3000);
        float[] labels = new float[rows.size()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = rows.get(i).features().month().getValue() % 3;
        }
        DMatrix train = matrix(rows);
        Booster booster = null;
        Path softmax = dir.resolve("softmax.json");
        try {
            train.setLabel(labels);
            booster = XGBoost.train(train, Map.of("objective", "multi:softmax", "num_class", 3, "max_depth", 3,
                    "nthread", 2, "seed", 7), 8, Map.of(), null, null);
            booster.saveModel(softmax.toString());
        } finally {
            train.dispose();
            if (booster != null) {
                booster.dispose();
            }
        }

        Run run = CommandsTest.run("models", "import", "--xgboost-json", softmax.toString(), "--features", mapping.toString(),
                "--positive-class", "2", "--out", dir.resolve("imported").toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(ModelPackage.readMetadata(dir.resolve("imported")).positiveClass()).isEqualTo(2);
    }

    /** Rows in {@link #MODEL_ORDER}, NaN for a missing code, as a Python user's DataFrame would hold them. */
    private static DMatrix matrix(List<DatasetRow> rows) throws XGBoostError {
        float[] values = new float[rows.size() * MODEL_ORDER.size()];
        for (int r = 0; r < rows.size(); r++) {
            double[] columns = FeatureSchema.encode(rows.get(r).features());
            for (int i = 0; i < MODEL_ORDER.size(); i++) {
                values[r * MODEL_ORDER.size() + i] = (float) columns[FeatureSchema.COLUMNS.indexOf(MODEL_ORDER.get(i))];
            }
        }
        return new DMatrix(values, rows.size(), MODEL_ORDER.size(), Float.NaN);
    }

    private static float[][] predict(Path model, List<DatasetRow> rows) throws XGBoostError, IOException {
        Booster booster = XGBoost.loadModel(Files.readAllBytes(model));
        DMatrix matrix = matrix(rows);
        try {
            return booster.predict(matrix);
        } finally {
            matrix.dispose();
            booster.dispose();
        }
    }

    private static List<String> reversed(List<String> list) {
        List<String> copy = new ArrayList<>(list);
        java.util.Collections.reverse(copy);
        return List.copyOf(copy);
    }
}
