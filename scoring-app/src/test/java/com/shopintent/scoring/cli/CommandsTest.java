package com.shopintent.scoring.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.shopintent.scoring.TestModels;
import com.shopintent.scoring.config.ConfigException;
import com.shopintent.scoring.config.ScoringConfig;
import com.shopintent.scoring.deploy.StrimziManifests;
import com.shopintent.scoring.features.DatasetRow;
import com.shopintent.scoring.model.ModelPackage;
import com.shopintent.scoring.model.ScoringModel;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** The commands as a user runs them, in process. */
class CommandsTest {

    record Run(int exitCode, String out, String err) {
    }

    static Run run(String... args) {
        CommandLine cli = ScoringCli.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"train", "score-csv", "replay"})
    void shouldPrintHelpForEveryCommand(String command) {
        Run run = run(command, "--help");

        assertThat(run.exitCode).isZero();
        assertThat(run.out).contains("Usage: scoring " + command);
    }

    @Test
    void shouldTrainAPackageAndPrintItsMetrics(@TempDir Path dir) throws IOException {
        Path data = dir.resolve("small.csv");
        List<String> lines = Files.readAllLines(Path.of("..", "data", "online_shoppers_intention.csv"), StandardCharsets.UTF_8);
        Files.write(data, lines.subList(0, 3001));

        Run run = run("train", "--data", data.toString(), "--out", dir.resolve("model").toString(), "--trees", "30");

        assertThat(run.exitCode).as(run.err).isZero();
        assertThat(run.out).contains("held-out metrics: auc=").contains("on 2400 rows (600 held out)");
        assertThat(ModelPackage.readMetadata(dir.resolve("model")).settings().trees()).isEqualTo(30);
        assertThat(ModelPackage.load(dir.resolve("model")).version()).startsWith("xgb-");
    }

    @Test
    void shouldScoreCsvRowsWithTheStreamsScorer(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("scores.csv");

        Run run = run("score-csv", "--model", TestModels.packageDir().toString(), "--out", out.toString());

        assertThat(run.exitCode).as(run.err).isZero();
        List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
        List<DatasetRow> rows = TestModels.shippedRows();
        assertThat(lines).hasSize(rows.size() + 1);
        assertThat(lines.get(0)).isEqualTo("row,purchaseProbability,Revenue");
        ScoringModel model = TestModels.scoringModel();
        String[] tenth = lines.get(10).split(",");
        assertThat(tenth[0]).isEqualTo("10");
        assertThat(Double.parseDouble(tenth[1])).isEqualTo(model.score(rows.get(9).features()));
        assertThat(tenth[2]).isEqualTo(rows.get(9).revenue() ? "TRUE" : "FALSE");
    }

    @Test
    void shouldReplayRowsAsJsonLinesWithPageStatisticsFirst(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("events.jsonl");

        Run run = run("replay", "--limit", "20", "--out", out.toString());

        assertThat(run.exitCode).as(run.err).isZero();
        List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
        int firstEvent = 0;
        while (lines.get(firstEvent).contains("\"topic\":\"shop.page-stats\"")) {
            firstEvent++;
        }
        assertThat(firstEvent).isGreaterThan(0);
        assertThat(lines.subList(firstEvent, lines.size())).allMatch(line -> line.startsWith("{\"topic\":\"shop.events\",\"key\":\"row-"));
        assertThat(lines.get(lines.size() - 1)).contains("\"key\":\"row-20\"").contains("session_end");
    }

    @Test
    void shouldExplainABadArgumentInOneLine(@TempDir Path dir) {
        Run missing = run("score-csv", "--model", dir.toString(), "--out", dir.resolve("x.csv").toString());
        Run unknown = run("replay", "--out", "x", "--shops-typo", "3");

        assertThat(missing.exitCode).isEqualTo(1);
        assertThat(missing.err).contains("error:").contains("metadata.json is missing").doesNotContain("\tat ");
        assertThat(unknown.exitCode).isEqualTo(2);
        assertThat(unknown.err).contains("--shops-typo");
    }

    @Test
    void shouldChooseTheLoggingConfigurationByTheLogFormatFlagOverTheVariable() {
        assertThat(logbackConfiguration(Map.of(), "run")).isEqualTo("logback.xml");
        assertThat(logbackConfiguration(Map.of("SCORING_LOG_FORMAT", "json"), "run")).isEqualTo("logback-json.xml");
        assertThat(logbackConfiguration(Map.of("SCORING_LOG_FORMAT", "json"), "run", "--log-format", "text")).isEqualTo("logback.xml");
        assertThat(logbackConfiguration(Map.of(), "topics", "plan", "--log-format=JSON")).isEqualTo("logback-json.xml");
        assertThat(getClass().getClassLoader().getResource("logback-json.xml")).as("on the class path").isNotNull();
        assertThat(run("run", "--log-format", "json", "--help").exitCode).as("a flag of run, as every setting").isZero();
    }

    @Test
    void shouldRefuseAnUnknownLogFormatNamingTheSettingAndTheAllowedValues() {
        assertThatThrownBy(() -> logbackConfiguration(Map.of("SCORING_LOG_FORMAT", "logfmt"), "demo"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("invalid configuration:\n  SCORING_LOG_FORMAT='logfmt' is invalid: allowed text or json");
    }

    @Test
    void shouldWriteTheStrimziManifestsAndNameTheFilesItDidNotWrite(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("shop.gone-kafkatopic.yaml"), "kind: KafkaTopic\n", StandardCharsets.UTF_8);

        Run run = run("manifests", "strimzi", "--out", dir.toString());

        assertThat(run.exitCode).as(run.err).isZero();
        Map<String, String> files = new StrimziManifests(StrimziManifests.productionSettings()).files();
        assertThat(files).isNotEmpty();
        for (Map.Entry<String, String> file : files.entrySet()) {
            assertThat(Files.readString(dir.resolve(file.getKey()), StandardCharsets.UTF_8)).isEqualTo(file.getValue());
            assertThat(run.out).contains("wrote    " + dir.resolve(file.getKey()));
        }
        assertThat(run.out).contains("warning  " + dir.resolve("shop.gone-kafkatopic.yaml") + " was not written");
    }

    private static String logbackConfiguration(Map<String, String> environment, String... args) {
        return ScoringCli.logbackConfiguration(ScoringConfig.logFormat(ScoringCli.logSettings(environment, args)));
    }
}
