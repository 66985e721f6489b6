package com.shopintent.scoring.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.MinimalPrettyPrinter;
import com.shopintent.scoring.config.ScoringConfig;
import com.shopintent.scoring.events.Json;
import com.shopintent.scoring.features.DatasetRow;
import com.shopintent.scoring.replay.ReplayRecord;
import com.shopintent.scoring.replay.SessionReplayer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code replay}: data set rows as clickstream, to a JSON-lines file or to Kafka. */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Turn data set rows into page statistics and the events of one session each (session id row-<n>).",
            "Page statistics come first, then the events, session after session."})
final class ReplayCommand implements Callable<Integer> {

    @Mixin
    DataOption data = new DataOption();

    @ArgGroup(multiplicity = "1")
    Target target;

    static final class Target {
        @Option(names = "--out", paramLabel = "<events.jsonl>", description = "JSON-lines file: one {topic, key, value} per line")
        Path out;

        @Option(names = "--bootstrap", paramLabel = "<servers>", description = "produce to this Kafka cluster instead")
        String bootstrap;
    }

    @Option(names = "--shop", defaultValue = "shop-0001", description = "shop id of the sessions (default: ${DEFAULT-VALUE})")
    String shop;

    @Option(names = "--limit", description = "replay only the first N rows")
    Integer limit;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        List<DatasetRow> rows = data.rows();
        if (limit != null) {
            rows = rows.subList(0, Math.min(limit, rows.size()));
        }
        SessionReplayer replayer = new SessionReplayer(ScoringConfig.from(System.getenv()).get(ScoringConfig.SPECIAL_DAYS));
        List<ReplayRecord> stats = new ArrayList<>();
        List<ReplayRecord> events = new ArrayList<>();
        for (DatasetRow row : rows) {
            stats.addAll(replayer.pageStats(row, shop));
            events.addAll(replayer.events(row, shop));
        }
        if (target.out != null) {
            writeJsonLines(target.out, stats, events);
        } else {
            produce(target.bootstrap, stats, events);
        }
        spec.commandLine().getOut().printf("replayed %d sessions: %d page-stats records, %d events to %s%n", rows.size(),
                stats.size(), events.size(), target.out != null ? target.out : target.bootstrap);
        spec.commandLine().getOut().flush();
        return 0;
    }

    private static void writeJsonLines(Path out, List<ReplayRecord> stats, List<ReplayRecord> events) {
        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(Files.newOutputStream(out))) {
            g.setPrettyPrinter(new MinimalPrettyPrinter("\n"));
            for (List<ReplayRecord> part : List.of(stats, events)) {
                for (ReplayRecord record : part) {
                    g.writeStartObject();
                    g.writeStringField("topic", record.topic());
                    g.writeStringField("key", record.key());
                    g.writeFieldName("value");
                    g.writeRawValue(new String(record.value(), StandardCharsets.UTF_8));
                    g.writeEndObject();
                }
            }
            g.writeRaw('\n');
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + out, e);
        }
    }

    private static void produce(String bootstrap, List<ReplayRecord> stats, List<ReplayRecord> events) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            for (ReplayRecord record : stats) {
                producer.send(record.producerRecord());
            }
            // Statistics must be in place before the first page view that needs them.
            producer.flush();
            List<java.util.concurrent.Future<?>> sends = new ArrayList<>();
            for (ReplayRecord record : events) {
                sends.add(producer.send(record.producerRecord()));
            }
            producer.flush();
            for (java.util.concurrent.Future<?> send : sends) {
                send.get();
            }
        }
    }
}
