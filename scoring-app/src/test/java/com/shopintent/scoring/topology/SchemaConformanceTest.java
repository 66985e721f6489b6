package com.shopintent.scoring.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;

import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaId;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import com.shopintent.scoring.TestModels;
import com.shopintent.scoring.config.ScoringConfig;
import com.shopintent.scoring.enrich.SpecialDayCalendar;
import com.shopintent.scoring.events.EventParser;
import com.shopintent.scoring.events.Json;
import com.shopintent.scoring.events.PageStatsParser;
import com.shopintent.scoring.events.ParseResult;
import com.shopintent.scoring.events.RejectReason;
import com.shopintent.scoring.features.DatasetRow;
import com.shopintent.scoring.lifecycle.ModelAnnouncement;
import com.shopintent.scoring.replay.ReplayRecord;
import com.shopintent.scoring.replay.SessionReplayer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The JSON Schemas in {@code schemas/} held against the code: every record that
 * {@link SessionReplayer} and the production topology write validates, and the event schema and
 * {@link EventParser} accept and reject the same values (likewise the page-stats schema and
 * {@link PageStatsParser}).
 */
class SchemaConformanceTest {

    private static final int ROWS = 300;
    private static final String SESSION = "s-1";
    private static final int MAX_EVENT_BYTES = 65536;
    private static final List<String> SCHEMA_FILES = List.of("shop-event.schema.json", "page-stats.schema.json",
            "prediction.schema.json", "training-example.schema.json", "insight.schema.json", "model-announcement.schema.json");

    private static final Path SCHEMA_DIR = schemaDir();
    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    /**
     * Draft 2020-12 makes {@code format} an annotation unless the validator is told to assert it;
     * the timestamp rule needs {@code date-time} to reject days a month does not have.
     */
    private static final SchemaValidatorsConfig CONFIG = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
    private static final JsonSchema SHOP_EVENT = load("shop-event.schema.json");
    private static final JsonSchema PAGE_STATS = load("page-stats.schema.json");
    private static final JsonSchema PREDICTION = load("prediction.schema.json");
    private static final JsonSchema TRAINING_EXAMPLE = load("training-example.schema.json");
    private static final JsonSchema INSIGHT = load("insight.schema.json");
    private static final JsonSchema MODEL_ANNOUNCEMENT = load("model-announcement.schema.json");

    private final EventParser parser = new EventParser(MAX_EVENT_BYTES);

    @Test
    void shouldDeclareEverySchemaAsAValidDraft202012SchemaWithIdTitleDescriptionAndAdditionalProperties() {
        JsonSchema metaSchema = FACTORY.getSchema(SchemaLocation.of(SchemaId.V202012), CONFIG);
        for (String file : SCHEMA_FILES) {
            JsonNode schema = read(SCHEMA_DIR.resolve(file));
            assertThat(metaSchema.validate(schema)).as(file).isEmpty();
            assertThat(schema.path("$schema").asText()).as(file).isEqualTo(SchemaId.V202012);
            assertThat(schema.path("$id").asText()).as(file).endsWith("/schemas/" + file);
            assertThat(schema.path("title").asText()).as(file).isNotBlank();
            assertThat(schema.path("description").asText()).as(file).isNotBlank();
            assertThat(schema.path("additionalProperties").isBoolean()).as(file + " decides additionalProperties").isTrue();
        }
    }

    @Test
    void shouldAcceptTheExamplesOfEverySchema() {
        List<String> failures = new ArrayList<>();
        for (String file : SCHEMA_FILES) {
            JsonSchema schema = load(file);
            JsonNode examples = read(SCHEMA_DIR.resolve(file)).path("examples");
            assertThat(examples.size()).as(file + " examples").isPositive();
            for (JsonNode example : examples) {
                Set<ValidationMessage> errors = schema.validate(example);
                if (!errors.isEmpty()) {
                    failures.add(file + ": " + errors + " in " + example);
                }
            }
        }
        for (JsonNode example : read(SCHEMA_DIR.resolve("shop-event.schema.json")).path("examples")) {
            assertThat(parser.parse(utf8(example.get("sessionId").asText()), bytes(example)))
                    .as("example %s", example).isInstanceOf(ParseResult.Valid.class);
        }
        assertThat(failures).isEmpty();
    }

    @Test
    void shouldAgreeWithModelAnnouncementOnEveryAnnouncement() {
        for (JsonNode example : read(SCHEMA_DIR.resolve("model-announcement.schema.json")).path("examples")) {
            ModelAnnouncement parsed = ModelAnnouncement.parse(bytes(example));
            assertThat(parsed.version()).isEqualTo(example.get("version").asText());
            assertThat(MODEL_ANNOUNCEMENT.validate(TopologyFixture.json(parsed.toJson()))).as("written again: %s", example).isEmpty();
        }
        ObjectNode bad = (ObjectNode) read(SCHEMA_DIR.resolve("model-announcement.schema.json")).path("examples").get(0).deepCopy();
        bad.put("sha256", "ABC");
        assertThat(MODEL_ANNOUNCEMENT.validate(bad)).isNotEmpty();
        assertThatThrownBy(() -> ModelAnnouncement.parse(bytes(bad))).hasMessageContaining("sha256");
        bad.put("sha256", "0".repeat(64)).put("role", "shadow");
        assertThat(MODEL_ANNOUNCEMENT.validate(bad)).isNotEmpty();
        assertThatThrownBy(() -> ModelAnnouncement.parse(bytes(bad))).hasMessageContaining("role");
    }

    @Test
    void shouldValidateEveryEventAndPageStatsRecordTheReplayerWrites() {
        SessionReplayer replayer = new SessionReplayer(SpecialDayCalendar.defaults());
        List<String> failures = new ArrayList<>();
        int events = 0;
        int stats = 0;
        for (DatasetRow row : rows()) {
            for (ReplayRecord record : replayer.pageStats(row, "shop-0001")) {
                assertThat(record.topic()).isEqualTo(Topics.PAGE_STATS);
                failures.addAll(errors(PAGE_STATS, record.value(), record.key()));
                assertThat(PageStatsParser.parse(record.value())).as(record.key()).isNotNull();
                stats++;
            }
            for (ReplayRecord record : replayer.events(row, "shop-0001")) {
                assertThat(record.topic()).isEqualTo(Topics.EVENTS);
                failures.addAll(errors(SHOP_EVENT, record.value(), record.key()));
                assertThat(parser.parse(utf8(record.key()), record.value())).as(record.key()).isInstanceOf(ParseResult.Valid.class);
                events++;
            }
        }
        assertThat(failures).isEmpty();
        // Each row ends with a session_end: more events than rows means page views were checked too.
        assertThat(events).isGreaterThan(ROWS);
        assertThat(stats).isPositive();
    }

    @Test
    void shouldValidateEveryPredictionAndTrainingExampleTheTopologyWrites() {
        SessionReplayer replayer = new SessionReplayer(SpecialDayCalendar.defaults());
        Duration timeout = ScoringConfig.defaults().get(ScoringConfig.SESSION_TIMEOUT);
        try (TopologyFixture fixture = new TopologyFixture()) {
            for (DatasetRow row : rows()) {
                for (ReplayRecord stats : replayer.pageStats(row, "shop-0001")) {
                    fixture.pageStats.pipeInput(stats.key(), stats.value());
                }
            }
            for (DatasetRow row : rows()) {
                for (ReplayRecord event : replayer.events(row, "shop-0001")) {
                    fixture.events.pipeInput(utf8(event.key()), event.value());
                }
            }
            // A challenger from here on, so predictions with and without one are both checked.
            fixture.models.set(fixture.models.get().withChallenger(TestModels.scoringModelAsVersion("xgb-challenger001")));
            // The data set always has codes and every replayed session ends with session_end: this
            // session has no codes (so the example has nulls), a late event, an amount, and no end.
            Instant start = TopologyFixture.START;
            fixture.send("quiet-1", event("quiet-1", "quiet-1-0", "page_view", start, "product_related").toString());
            fixture.send("quiet-1", event("quiet-1", "quiet-1-1", "page_view", start.plusSeconds(60), "informational").toString());
            fixture.send("quiet-1", event("quiet-1", "quiet-1-2", "add_to_cart", start.plusSeconds(30), null).toString());
            fixture.send("quiet-1", event("quiet-1", "quiet-1-3", "purchase", start.plusSeconds(90), null).put("amount", 19.99).toString());
            fixture.driver.advanceWallClockTime(timeout.plusMinutes(1));

            List<JsonNode> predictions = fixture.readPredictions();
            List<JsonNode> examples = fixture.readTrainingExamples();
            assertThat(fixture.readDeadLetters()).isEmpty();
            assertThat(examples).hasSize(ROWS + 1);

            List<String> failures = new ArrayList<>();
            predictions.forEach(p -> failures.addAll(errors(PREDICTION, p, p.path("sessionId").asText())));
            examples.forEach(e -> failures.addAll(errors(TRAINING_EXAMPLE, e, e.path("sessionId").asText())));
            assertThat(failures).isEmpty();

            JsonNode quiet = examples.stream().filter(e -> e.get("sessionId").asText().equals("quiet-1")).findFirst().orElseThrow();
            assertThat(quiet.get("closedBy").asText()).isEqualTo("timeout");
            assertThat(quiet.get("OperatingSystems").isNull()).isTrue();
            assertThat(quiet.get("TrafficType").isNull()).isTrue();
            assertThat(quiet.get("purchaseAmount").asDouble()).isEqualTo(19.99);
            assertThat(quiet.get("eventCount").asInt()).isEqualTo(4);
            assertThat(predictions).filteredOn(p -> p.path("late").asBoolean())
                    .extracting(p -> p.get("eventId").asText()).containsExactly("quiet-1-2");

            List<JsonNode> insights = fixture.readInsights();
            assertThat(insights).isNotEmpty();
            List<String> insightFailures = new ArrayList<>();
            insights.forEach(i -> insightFailures.addAll(errors(INSIGHT, i, i.path("shopId").asText())));
            assertThat(insightFailures).isEmpty();

            // The schemas declare no field the topology never writes, so every declared field was tested above.
            assertThat(fieldNames(predictions)).isEqualTo(declaredProperties("prediction.schema.json"));
            assertThat(fieldNames(examples)).isEqualTo(declaredProperties("training-example.schema.json"));
            assertThat(fieldNames(insights)).isEqualTo(declaredProperties("insight.schema.json"));
        }
    }

    static Stream<Arguments> invalidEvents() {
        return Stream.of(
                invalid("missing eventId", e -> e.remove("eventId"), RejectReason.MISSING_FIELD),
                invalid("null eventId", e -> e.putNull("eventId"), RejectReason.MISSING_FIELD),
                invalid("300-character eventId", e -> e.put("eventId", "e".repeat(300)), RejectReason.INVALID_FIELD),
                invalid("numeric eventId", e -> e.put("eventId", 42), RejectReason.INVALID_FIELD),
                invalid("unknown type", e -> e.put("type", "click"), RejectReason.UNKNOWN_TYPE),
                invalid("upper-case type", e -> e.put("type", "PAGE_VIEW"), RejectReason.UNKNOWN_TYPE),
                invalid("blank shopId", e -> e.put("shopId", "   "), RejectReason.INVALID_FIELD),
                invalid("empty sessionId", e -> e.put("sessionId", ""), RejectReason.INVALID_FIELD),
                invalid("missing visitorId", e -> e.remove("visitorId"), RejectReason.MISSING_FIELD),
                invalid("unknown category", e -> page(e).put("category", "checkout"), RejectReason.UNKNOWN_CATEGORY),
                invalid("page_view without page", e -> e.remove("page"), RejectReason.MISSING_FIELD),
                invalid("page_view with null page", e -> e.putNull("page"), RejectReason.MISSING_FIELD),
                invalid("page without id", e -> page(e).remove("id"), RejectReason.MISSING_FIELD),
                invalid("page that is a string", e -> e.put("page", "p-1"), RejectReason.INVALID_FIELD),
                invalid("add_to_cart with a page of unknown category",
                        e -> page(e.put("type", "add_to_cart")).put("category", "cart"), RejectReason.UNKNOWN_CATEGORY),
                invalid("missing timestamp", e -> e.remove("timestamp"), RejectReason.MISSING_FIELD),
                invalid("timestamp in month 13", e -> e.put("timestamp", "2026-13-01T00:00:00Z"), RejectReason.BAD_TIMESTAMP),
                invalid("timestamp on 30 February", e -> e.put("timestamp", "2026-02-30T00:00:00Z"), RejectReason.BAD_TIMESTAMP),
                invalid("timestamp with offset +01:00", e -> e.put("timestamp", "2026-11-02T10:00:00+01:00"), RejectReason.BAD_TIMESTAMP),
                invalid("timestamp with offset +00:00", e -> e.put("timestamp", "2026-11-02T10:00:00+00:00"), RejectReason.BAD_TIMESTAMP),
                invalid("timestamp with lower-case z", e -> e.put("timestamp", "2026-11-02T10:00:00z"), RejectReason.BAD_TIMESTAMP),
                invalid("timestamp without seconds", e -> e.put("timestamp", "2026-11-02T10:00Z"), RejectReason.BAD_TIMESTAMP),
                invalid("timestamp with ten fractional digits", e -> e.put("timestamp", "2026-11-02T10:00:00.1234567891Z"), RejectReason.BAD_TIMESTAMP),
                invalid("timestamp with a trailing newline", e -> e.put("timestamp", "2026-11-02T10:00:00Z\n"), RejectReason.BAD_TIMESTAMP),
                invalid("date without time", e -> e.put("timestamp", "2026-11-02"), RejectReason.BAD_TIMESTAMP),
                invalid("timestamp before 1970", e -> e.put("timestamp", "1969-12-31T23:59:59Z"), RejectReason.BAD_TIMESTAMP),
                invalid("timestamp past 64-bit nanoseconds", e -> e.put("timestamp", "2262-04-12T00:00:00Z"), RejectReason.BAD_TIMESTAMP),
                invalid("timestamp as epoch millis", e -> e.put("timestamp", 1_793_613_600_000L), RejectReason.INVALID_FIELD),
                invalid("negative amount", e -> e.put("amount", -0.01), RejectReason.INVALID_FIELD),
                invalid("amount as a string", e -> e.put("amount", "12.50"), RejectReason.INVALID_FIELD),
                invalid("amount beyond a double", e -> e.put("amount", new BigDecimal("1e400")), RejectReason.INVALID_FIELD),
                invalid("non-integer os", e -> e.put("os", new BigDecimal("1.5")), RejectReason.INVALID_FIELD),
                invalid("negative browser", e -> e.put("browser", -1), RejectReason.INVALID_FIELD),
                invalid("region as a string", e -> e.put("region", "3"), RejectReason.INVALID_FIELD),
                invalid("trafficType beyond a 32-bit int", e -> e.put("trafficType", 2_147_483_648L), RejectReason.INVALID_FIELD),
                invalid("unknown visitorType", e -> e.put("visitorType", "Returning_Visitor"), RejectReason.INVALID_FIELD),
                invalidValue("an array instead of an object", e -> Json.MAPPER.createArrayNode().add(e), RejectReason.NOT_AN_OBJECT));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidEvents")
    void shouldRejectInvalidEventInBothSchemaAndParser(Function<ObjectNode, JsonNode> replace, RejectReason reason) {
        byte[] value = bytes(replace.apply(validEvent()));

        assertThat(SHOP_EVENT.validate(read(value))).as("schema errors").isNotEmpty();
        assertThat(parser.parse(utf8(SESSION), value)).isInstanceOfSatisfying(ParseResult.Invalid.class,
                invalid -> assertThat(invalid.rejection().reason()).isEqualTo(reason));
    }

    static Stream<Arguments> validEvents() {
        return Stream.of(
                valid("page_view with every optional field", e -> e.put("visitorType", "new").put("os", 0).put("browser", 1)
                        .put("region", 9).put("trafficType", Integer.MAX_VALUE).put("amount", 0)),
                valid("optional fields null", e -> e.putNull("visitorType").putNull("os").putNull("browser").putNull("region")
                        .putNull("trafficType").putNull("amount")),
                valid("session_end without page", e -> e.put("type", "session_end").remove("page")),
                valid("purchase with a page and an amount", e -> e.put("type", "purchase").put("amount", new BigDecimal("59.90"))),
                valid("add_to_cart with null page", e -> e.put("type", "add_to_cart").putNull("page")),
                valid("page of category other", e -> page(e).put("category", "other")),
                valid("256-character eventId", e -> e.put("eventId", "e".repeat(256))),
                valid("non-ASCII ids", e -> e.put("shopId", "boutique-é").put("visitorId", "visiteur-日本")),
                valid("timestamp with nine fractional digits", e -> e.put("timestamp", "2026-11-02T10:00:00.123456789Z")),
                valid("timestamp with one fractional digit", e -> e.put("timestamp", "2026-11-02T10:00:00.5Z")),
                valid("first instant of 1970", e -> e.put("timestamp", "1970-01-01T00:00:00Z")),
                valid("last instant of 2261", e -> e.put("timestamp", "2261-12-31T23:59:59.999999999Z")),
                valid("29 February of a leap year", e -> e.put("timestamp", "2028-02-29T12:00:00Z")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validEvents")
    void shouldAcceptValidEventInBothSchemaAndParser(Consumer<ObjectNode> change) {
        ObjectNode event = validEvent();
        change.accept(event);
        byte[] value = bytes(event);

        assertThat(SHOP_EVENT.validate(read(value))).as("schema errors").isEmpty();
        assertThat(parser.parse(utf8(SESSION), value)).isInstanceOf(ParseResult.Valid.class);
    }

    @Test
    void shouldAcceptValidEventWithUnknownFieldsInBothSchemaAndParser() {
        ObjectNode event = validEvent();
        event.putObject("campaign").put("source", "newsletter").put("id", 7);
        event.put("schemaVersion", 2);
        page(event).put("title", "Running shoes");
        byte[] value = bytes(event);

        assertThat(SHOP_EVENT.validate(read(value))).as("schema errors").isEmpty();
        assertThat(parser.parse(utf8(SESSION), value)).isInstanceOf(ParseResult.Valid.class);
    }

    @Test
    void shouldAgreeWithTheParserOnWhichCharactersMakeAnIdBlank() {
        // Every character either side might call whitespace: Java's, Unicode's space separators,
        // ECMAScript's \s (which adds U+FEFF), and characters often mistaken for spaces.
        List<Character> candidates = IntStream.rangeClosed(0, Character.MAX_VALUE)
                .filter(c -> Character.isWhitespace(c) || Character.isSpaceChar(c)
                        || c == 0xFEFF || c == 0x0085 || c == 0x180E || c == 0x200B)
                .mapToObj(c -> (char) c).toList();
        List<String> disagreements = new ArrayList<>();
        Set<Character> blank = new HashSet<>();
        for (char c : candidates) {
            ObjectNode event = validEvent().put("shopId", String.valueOf(c).repeat(3));
            byte[] value = bytes(event);
            boolean schemaAccepts = SHOP_EVENT.validate(read(value)).isEmpty();
            boolean parserAccepts = parser.parse(utf8(SESSION), value) instanceof ParseResult.Valid;
            if (schemaAccepts != parserAccepts) {
                disagreements.add(String.format("U+%04X schema %s, parser %s", (int) c, schemaAccepts, parserAccepts));
            }
            if (!parserAccepts) {
                blank.add(c);
            }
        }
        assertThat(disagreements).isEmpty();
        // Both directions were exercised: some of these are blank, the non-breaking spaces are not.
        assertThat(blank).contains(' ', '\t', '\u3000').doesNotContain('\u00A0', '\u202F', '\uFEFF');
    }

    static Stream<Arguments> invalidPageStats() {
        return Stream.of(
                Arguments.of(Named.of("bounceRate above 1", "{\"bounceRate\":1.5,\"exitRate\":0.1,\"pageValue\":0}")),
                Arguments.of(Named.of("negative exitRate", "{\"bounceRate\":0.1,\"exitRate\":-0.1,\"pageValue\":0}")),
                Arguments.of(Named.of("missing pageValue", "{\"bounceRate\":0.1,\"exitRate\":0.1}")),
                Arguments.of(Named.of("null bounceRate", "{\"bounceRate\":null,\"exitRate\":0.1,\"pageValue\":0}")),
                Arguments.of(Named.of("pageValue as a string", "{\"bounceRate\":0.1,\"exitRate\":0.1,\"pageValue\":\"3\"}")),
                Arguments.of(Named.of("pageValue beyond a double", "{\"bounceRate\":0.1,\"exitRate\":0.1,\"pageValue\":1e400}")),
                Arguments.of(Named.of("an array", "[0.1,0.1,0]")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidPageStats")
    void shouldRejectInvalidPageStatsInBothSchemaAndParser(String json) {
        byte[] value = utf8(json);

        assertThat(PAGE_STATS.validate(read(value))).as("schema errors").isNotEmpty();
        assertThatThrownBy(() -> PageStatsParser.parse(value)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldAcceptPageStatsAtTheirLimitsAndWithUnknownFieldsInBothSchemaAndParser() {
        byte[] value = utf8("{\"bounceRate\":0,\"exitRate\":1,\"pageValue\":0,\"source\":\"ga4\",\"updatedAt\":\"2026-11-02T00:00:00Z\"}");

        assertThat(PAGE_STATS.validate(read(value))).as("schema errors").isEmpty();
        assertThat(PageStatsParser.parse(value).exitRate()).isEqualTo(1.0);
    }

    private static Arguments invalid(String name, Consumer<ObjectNode> change, RejectReason reason) {
        return invalidValue(name, event -> {
            change.accept(event);
            return event;
        }, reason);
    }

    private static Arguments invalidValue(String name, Function<ObjectNode, JsonNode> replace, RejectReason reason) {
        return Arguments.of(Named.of(name, replace), reason);
    }

    private static Arguments valid(String name, Consumer<ObjectNode> change) {
        return Arguments.of(Named.of(name, change));
    }

    private static ObjectNode validEvent() {
        return event(SESSION, "e-1", "page_view", TopologyFixture.START, "product_related");
    }

    private static ObjectNode event(String sessionId, String eventId, String type, Instant time, String category) {
        ObjectNode event = Json.MAPPER.createObjectNode().put("eventId", eventId).put("type", type).put("shopId", "shop-1")
                .put("sessionId", sessionId).put("visitorId", "v-1").put("timestamp", time.toString());
        if (category != null) {
            event.putObject("page").put("id", "p-" + category).put("category", category);
        }
        return event;
    }

    private static ObjectNode page(ObjectNode event) {
        return (ObjectNode) event.get("page");
    }

    private static List<DatasetRow> rows() {
        return TestModels.shippedRows().subList(0, ROWS);
    }

    private static List<String> errors(JsonSchema schema, byte[] value, String key) {
        return errors(schema, read(value), key);
    }

    private static List<String> errors(JsonSchema schema, JsonNode value, String key) {
        Set<ValidationMessage> errors = schema.validate(value);
        return errors.isEmpty() ? List.of() : List.of(key + ": " + errors + " in " + value);
    }

    private static Set<String> fieldNames(List<JsonNode> records) {
        Set<String> names = new TreeSet<>();
        for (JsonNode record : records) {
            record.fieldNames().forEachRemaining(names::add);
        }
        return names;
    }

    private static Set<String> declaredProperties(String file) {
        Set<String> names = new TreeSet<>();
        read(SCHEMA_DIR.resolve(file)).get("properties").fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static JsonSchema load(String file) {
        try (InputStream in = Files.newInputStream(SCHEMA_DIR.resolve(file))) {
            return FACTORY.getSchema(in, CONFIG);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read schema " + SCHEMA_DIR.resolve(file), e);
        }
    }

    /** The repository's schemas folder: tests run in the module directory, the folder is at the top. */
    private static Path schemaDir() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("schemas").resolve("shop-event.schema.json"))) {
                return dir.resolve("schemas");
            }
        }
        throw new IllegalStateException("no schemas/shop-event.schema.json in " + Path.of("").toAbsolutePath() + " or above");
    }

    private static JsonNode read(Path file) {
        try {
            return Json.MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static JsonNode read(byte[] value) {
        return TopologyFixture.json(value);
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return Json.MAPPER.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
