package com.shopintent.scoring.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.shopintent.scoring.Await;
import com.shopintent.scoring.dashboards.Dashboards;
import com.shopintent.scoring.dashboards.PrometheusBinaries;
import com.shopintent.scoring.topology.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard and the rules of {@code dashboards/} against real meters: the application runs as
 * production runs it ({@code ScoringCli run}, cache on) on replayed traffic with some bad records, a real
 * Prometheus scrapes it every second with {@code rules.yml} loaded, and every query of every dashboard
 * panel, every rule's query and every recorded series returns data. A query naming a meter the
 * application does not have returns nothing, and fails this test.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class PrometheusIT {

    private static final int EVENTS_PER_SECOND = 300;
    /** One bad record after every this many events: 4 % of the input, above the dead-letter alert's 1 %. */
    private static final int BAD_RECORD_EVERY = 25;
    /** Rates need two scrapes, Kafka's meters are bound when their client has them, rules evaluate after a scrape. */
    private static final Duration DATA_TIMEOUT = Duration.ofSeconds(60);
    private static final String DEAD_LETTER_ALERT = "ScoringDeadLetterSpike";
    private static final List<String> RULE_GROUPS = List.of("shop-intent-scoring.records", "shop-intent-scoring.alerts");

    @TempDir
    Path work;

    private Path prometheus;
    private BrokerTestBed bed;

    @BeforeEach
    void startBrokerAndCreateTopics(TestInfo test) {
        // Before the broker: without the binary there is nothing to start.
        prometheus = PrometheusBinaries.prometheus();
        bed = new BrokerTestBed(PrometheusIT.class, test.getTestMethod().orElseThrow().getName(), work);
    }

    @AfterEach
    void closeEverything() throws Exception {
        if (bed != null) {
            bed.close();
        }
    }

    @Test
    void shouldAnswerEveryDashboardQueryAndRuleWithDataFromTheRunningApplication() {
        int httpPort = PrometheusServer.freePort();
        Map<String, String> settings = new HashMap<>(bed.settings("process"));
        settings.put("SCORING_HTTP_PORT", Integer.toString(httpPort));
        // The cache meters exist only with the cache on; the in-process tier needs no server.
        settings.put("SCORING_CACHE", "on");
        ScoringProcess process = bed.closeLater(new ScoringProcess(settings, bed.logFile("scoring-process.log")));
        process.start();
        PrometheusServer server = bed.closeLater(PrometheusServer.start(prometheus, work.resolve("prometheus"), Dashboards.rules(),
                Dashboards.JOB, "127.0.0.1:" + httpPort, bed.logFile("prometheus.log")));
        bed.mark("application and Prometheus started");
        // Made while the application starts: about 22,000 events, more than the test sends at its pace.
        Records.Replay replay = Records.replay(BrokerTestBed.rows(600, 3), Instant.now());
        Records.send(bed.bootstrapServers(), replay.pageStatsRecords());
        bed.closeLater(new Records.PacedProducer(bed.bootstrapServers(), withBadRecords(replay.eventRecords()), EVENTS_PER_SECOND));
        bed.mark("sending " + replay.events().size() + " events at " + EVENTS_PER_SECOND + "/s");

        Map<String, String> queries = queriesToCheck(server);
        Map<String, String> unanswered = new LinkedHashMap<>(queries);
        Map<String, String> lastAnswers = new HashMap<>();
        Supplier<String> context = () -> "targets:\n" + server.targets() + "process alive: " + process.isAlive() + "; " + process.outputTail();
        try {
            Await.until(DATA_TIMEOUT, () -> {
                unanswered.keySet().removeIf(query -> answered(server, query, lastAnswers));
                return unanswered.isEmpty();
            }, () -> unanswered.size() + " of " + queries.size() + " queries returned no data:\n"
                    + unanswered.entrySet().stream().map(q -> "  " + q.getKey() + "\n      from " + q.getValue()
                            + "\n      answer " + lastAnswers.get(q.getKey()))
                    .collect(Collectors.joining("\n")) + "\n" + context.get());
        } finally {
            keepScrape(httpPort);
        }
        bed.mark(queries.size() + " queries answered with data");

        JsonNode groups = server.ruleGroups();
        List<String> groupNames = new ArrayList<>();
        groups.forEach(group -> groupNames.add(group.path("name").asText()));
        assertThat(groupNames).as("rule groups loaded").containsExactlyInAnyOrderElementsOf(RULE_GROUPS);
        List<String> ruleProblems = new ArrayList<>();
        int rules = 0;
        for (JsonNode group : groups) {
            for (JsonNode rule : group.path("rules")) {
                rules++;
                String name = group.path("name").asText() + "/" + rule.path("name").asText();
                if (!"ok".equals(rule.path("health").asText()) || !rule.path("lastError").asText().isEmpty()) {
                    ruleProblems.add(name + ": health " + rule.path("health").asText() + ", last error " + rule.path("lastError").asText());
                }
                if ("alerting".equals(rule.path("type").asText())) {
                    ruleProblems.addAll(alertConventionProblems(name, rule));
                }
            }
        }
        assertThat(ruleProblems).as("rules evaluated with a problem, or alerts without severity, summary, description or threshold").isEmpty();
        assertThat(rules).as("rules loaded from %s", Dashboards.rules()).isEqualTo(Dashboards.declaredRules());

        // 4 % of the input is bad: the dead-letter alert's whole condition holds on real meters, not only its query.
        Await.until(DATA_TIMEOUT, () -> alertNames(server).contains(DEAD_LETTER_ALERT),
                () -> DEAD_LETTER_ALERT + " neither pending nor firing; alerts: " + alertNames(server) + "\n" + context.get());
        assertThat(alertNames(server)).as("alerts pending or firing").doesNotContain("ScoringPredictionErrorRateHigh",
                "ScoringNoReadyInstance", "ScoringModelRefused");
    }

    /**
     * Each part of each query ({@link Dashboards#parts}) mapped to where it comes from: the dashboard's
     * panels, the rules as Prometheus loaded them, and the series the recording rules write.
     */
    private static Map<String, String> queriesToCheck(PrometheusServer server) {
        Map<String, String> queries = new LinkedHashMap<>();
        for (Dashboards.Query query : Dashboards.queries(Dashboards.dashboard())) {
            Dashboards.parts(query.promql()).forEach(part -> queries.putIfAbsent(part, query.toString()));
        }
        for (JsonNode group : server.ruleGroups()) {
            for (JsonNode rule : group.path("rules")) {
                String origin = rule.path("type").asText() + " rule " + rule.path("name").asText();
                Dashboards.parts(rule.path("query").asText()).forEach(part -> queries.putIfAbsent(part, origin));
                if ("recording".equals(rule.path("type").asText())) {
                    queries.putIfAbsent(rule.path("name").asText(), origin);
                }
            }
        }
        return queries;
    }

    /**
     * What an alert lacks of the conventions README.md relies on: a severity label, a summary and a description,
     * and a {@code <query> <op> <threshold>} form, so that its query is what {@link #queriesToCheck} checks.
     */
    private static List<String> alertConventionProblems(String name, JsonNode rule) {
        List<String> problems = new ArrayList<>();
        if (!List.of("critical", "warning").contains(rule.path("labels").path("severity").asText())) {
            problems.add(name + ": severity '" + rule.path("labels").path("severity").asText() + "' is neither critical nor warning");
        }
        for (String annotation : List.of("summary", "description")) {
            if (rule.path("annotations").path(annotation).asText().isBlank()) {
                problems.add(name + ": no " + annotation);
            }
        }
        String query = rule.path("query").asText();
        if (Dashboards.parts(query).equals(List.of(query))) {
            problems.add(name + ": not <query> <op> <threshold>: " + query);
        }
        return problems;
    }

    /**
     * Whether the query returns at least one series with a number now (a ratio of two meters that are both 0 is
     * NaN, and shows nothing); otherwise what it returned, or why Prometheus refused it, goes to {@code lastAnswers}.
     */
    private static boolean answered(PrometheusServer server, String query, Map<String, String> lastAnswers) {
        JsonNode data;
        try {
            data = server.query(query);
        } catch (IllegalArgumentException refused) {
            lastAnswers.put(query, refused.getMessage());
            return false;
        }
        for (JsonNode series : data.path("result")) {
            String value = series.path("value").path(1).asText();
            if (!value.isEmpty() && !value.equals("NaN")) {
                return true;
            }
        }
        String result = data.path("result").toString();
        lastAnswers.put(query, result.length() > 300 ? result.substring(0, 300) + "..." : result);
        return false;
    }

    private static List<String> alertNames(PrometheusServer server) {
        List<String> names = new ArrayList<>();
        server.alerts().forEach(alert -> names.add(alert.path("labels").path("alertname").asText()));
        return names;
    }

    /** The replay's events with a record the parser rejects after every {@link #BAD_RECORD_EVERY}, two kinds in turn. */
    private static List<ProducerRecord<byte[], byte[]>> withBadRecords(List<ProducerRecord<byte[], byte[]>> events) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            records.add(events.get(i));
            if (i % BAD_RECORD_EVERY == BAD_RECORD_EVERY - 1) {
                String value = (i / BAD_RECORD_EVERY) % 2 == 0 ? "{\"eventId\":" : "[\"page_view\"]";
                records.add(new ProducerRecord<>(Topics.EVENTS, events.get(i).key(), Records.utf8(value)));
            }
        }
        return records;
    }

    /** The application's last scrape, kept with the test's logs: the names a query could have used. */
    private void keepScrape(int httpPort) {
        String scrape;
        try {
            scrape = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/metrics")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8)).body();
        } catch (IOException e) {
            // Kept for a failure's diagnosis; it must not hide the failure.
            scrape = "(could not scrape 127.0.0.1:" + httpPort + ": " + e + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        try {
            Files.writeString(bed.logFile("metrics.txt"), scrape, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not keep the application's scrape", e);
        }
    }
}
