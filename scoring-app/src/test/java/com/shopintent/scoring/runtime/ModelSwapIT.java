package com.shopintent.scoring.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.shopintent.scoring.Await;
import com.shopintent.scoring.TestModels;
import com.shopintent.scoring.cli.ScoringCli;
import com.shopintent.scoring.events.Json;
import com.shopintent.scoring.lifecycle.ControlTopic;
import com.shopintent.scoring.lifecycle.ModelAnnouncement;
import com.shopintent.scoring.lifecycle.ModelRole;
import com.shopintent.scoring.model.ModelPackage;
import com.shopintent.scoring.model.TamperedPackages;
import com.shopintent.scoring.topology.Topics;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Models changed under load on a real broker, through the commands an operator uses, with the
 * application running as production runs it ({@code ScoringCli run} in a JVM of its own): a new
 * champion, a tampered package that is refused, a challenger, and its promotion. Every event is
 * predicted exactly once, and in each partition the models follow one another in the order they
 * were announced.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ModelSwapIT {

    private static final int EVENTS_PER_SECOND = 400;

    @TempDir
    Path work;

    private BrokerTestBed bed;

    @BeforeEach
    void startBrokerAndCreateTopics(TestInfo test) {
        bed = new BrokerTestBed(ModelSwapIT.class, test.getTestMethod().orElseThrow().getName(), work);
    }

    @AfterEach
    void closeEverything() throws Exception {
        bed.close();
    }

    @Test
    void shouldSwapRefuseChallengeAndPromoteUnderLoadWithEveryEventPredictedOnce() {
        Path v1 = TestModels.packageDir();
        Path v2 = TestModels.otherPackageDir();
        String version1 = ModelPackage.readMetadata(v1).version();
        String version2 = ModelPackage.readMetadata(v2).version();
        Records.Replay replay = Records.replay(BrokerTestBed.rows(500, 5), Instant.now());
        int total = replay.events().size();
        Records.send(bed.bootstrapServers(), replay.pageStatsRecords());
        ScoringProcess process = bed.closeLater(new ScoringProcess(bed.settings("process"), bed.logFile("scoring-process.log")));
        Records.Reader predictions = bed.reader(Topics.PREDICTIONS);
        Supplier<String> context = () -> "process alive: " + process.isAlive() + "; " + process.outputTail();
        // Events wait before the process starts: the time to its first prediction is the cold start docs/MODEL.md quotes.
        Records.send(bed.bootstrapServers(), replay.eventRecords(0, 100));
        bed.mark("process starting");
        process.start();
        predictions.readAtLeast(1, BrokerTestBed.START_TIMEOUT, context);
        bed.mark("first prediction");
        Records.PacedProducer producer = bed.closeLater(new Records.PacedProducer(bed.bootstrapServers(), replay.eventRecords(100, total),
                EVENTS_PER_SECOND));
        predictions.readAtLeast(200, BrokerTestBed.START_TIMEOUT, context);
        bed.mark("scoring with " + version1);

        // What a new pod's init container does: with nothing announced yet, the image's default package.
        Path pulled = work.resolve("pulled");
        cli("models", "pull", "--to", pulled.toString(), "--default", v1.toString(), "--bootstrap-servers", bed.bootstrapServers());
        assertThat(ModelPackage.load(pulled).version()).isEqualTo(version1);

        cli("models", "publish", v2.toString(), "--role", "champion", "--bootstrap-servers", bed.bootstrapServers());
        awaitPrediction(predictions, 0, p -> p.get("modelVersion").asText().equals(version2), context);
        bed.mark("champion " + version2 + " announced and serving");

        // Records no command writes: not JSON, and a key that is not a role. Each is refused; nothing stops.
        Records.send(bed.bootstrapServers(), List.of(
                new ProducerRecord<>(Topics.MODELS, Records.utf8("champion"), Records.utf8("{not json")),
                new ProducerRecord<>(Topics.MODELS, Records.utf8("shadow"), Records.utf8("{}"))));
        Await.until(BrokerTestBed.OUTPUT_TIMEOUT, () -> count(log(process), "Refused a model announcement (invalid-announcement)") == 2,
                () -> "not two invalid announcements logged; " + context.get());

        // Written to the topic directly: the publish command verifies a package and would not announce this one.
        Path tampered = TamperedPackages.changedByte(v1, work.resolve("tampered"));
        new ControlTopic(bed.config("admin").clientProperties()).announce(new ModelAnnouncement(version1, tampered.toString(),
                ModelPackage.packageSha256(tampered), ModelRole.CHAMPION, Instant.now()));
        Await.until(BrokerTestBed.OUTPUT_TIMEOUT, () -> log(process).contains("Refused a model announcement (checksum)"),
                () -> "no refusal logged; " + context.get());
        int readAtRefusal = predictions.poll();
        predictions.readAtLeast(readAtRefusal + 200, BrokerTestBed.OUTPUT_TIMEOUT, context);
        bed.mark("tampered package refused");

        cli("models", "publish", v1.toString(), "--role", "challenger", "--bootstrap-servers", bed.bootstrapServers());
        awaitPrediction(predictions, 0, p -> p.has("challenger"), context);
        bed.mark("challenger " + version1 + " serving beside " + version2);

        int readAtPromotion = predictions.poll();
        cli("models", "promote", version1, "--bootstrap-servers", bed.bootstrapServers());
        awaitPrediction(predictions, readAtPromotion, p -> p.get("modelVersion").asText().equals(version1) && !p.has("challenger"), context);
        bed.mark("promoted " + version1);

        // And once a champion is announced (promoted over a refused record under the same key): that one.
        cli("models", "pull", "--to", pulled.toString(), "--default", v2.toString(), "--bootstrap-servers", bed.bootstrapServers());
        assertThat(ModelPackage.load(pulled).version()).isEqualTo(version1);
        assertThat(ModelPackage.packageSha256(pulled)).isEqualTo(ModelPackage.packageSha256(v1));

        int sent = producer.stop();
        Records.send(bed.bootstrapServers(), replay.eventRecords(100 + sent, total));
        Records.readAllOutput(predictions, total, bed.admin(), BrokerTestBed.APPLICATION_ID, BrokerTestBed.OUTPUT_TIMEOUT, context);
        Records.assertEachExactlyOnce("predictions' eventId", predictions.values("eventId"), replay.eventIds(), context);

        // Per partition, what served each event, in order: v1, v2, v2 with challenger v1, v1 alone; no step back.
        // Had the tampered package (version v1) been taken, v1 would come back between v2 phases, or v1+v1 appear.
        List<String> phases = List.of(version1, version2, version2 + "+" + version1, version1);
        Map<Integer, List<String>> servedPerPartition = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> record : predictions.records()) {
            JsonNode p = json(record.value());
            String served = p.get("modelVersion").asText() + (p.has("challenger") ? "+" + p.get("challenger").get("modelVersion").asText() : "");
            servedPerPartition.computeIfAbsent(record.partition(), k -> new ArrayList<>()).add(served);
        }
        servedPerPartition.forEach((partition, served) -> {
            assertThat(served).as("models of partition %d", partition).allMatch(phases::contains);
            int phase = 0;
            for (String model : served) {
                int next = phases.subList(phase, phases.size()).indexOf(model);
                assertThat(next).as("partition %d went back to %s after phase %s", partition, model, phases.get(phase)).isNotNegative();
                phase += next;
            }
        });
        assertThat(log(process)).as("the application's log").doesNotContain(" ERROR ");
    }

    private static int count(String text, String part) {
        int count = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            count++;
        }
        return count;
    }

    private String log(ScoringProcess process) {
        try {
            return Files.readString(bed.logFile("scoring-process.log"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads until a prediction after the first {@code from} read meets the condition. */
    private static void awaitPrediction(Records.Reader reader, int from, Predicate<JsonNode> condition, Supplier<String> context) {
        Await.until(BrokerTestBed.OUTPUT_TIMEOUT, () -> {
            reader.poll();
            List<ConsumerRecord<byte[], byte[]>> records = reader.records();
            return records.subList(from, records.size()).stream().anyMatch(record -> condition.test(json(record.value())));
        }, () -> "no such prediction among " + (reader.count() - from) + " read since; " + context.get());
    }

    private static void cli(String... args) {
        CommandLine cli = ScoringCli.commandLine();
        StringWriter out = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(out));
        int code = cli.execute(args);
        assertThat(code).as("%s exit code; output: %s", String.join(" ", args), out).isZero();
    }

    private static JsonNode json(byte[] value) {
        try {
            return Json.MAPPER.readTree(new String(value, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
