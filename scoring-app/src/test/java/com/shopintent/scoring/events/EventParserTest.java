package com.shopintent.scoring.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class EventParserTest {

    static final String VALID = """
            {"eventId":"e-1","type":"page_view","shopId":"shop-1","sessionId":"s-1","visitorId":"v-1",
             "timestamp":"2026-11-29T13:05:00.123456789Z","page":{"id":"p-1","category":"product_related"},
             "visitorType":"new","os":2,"browser":3,"region":4,"trafficType":5}""";

    private final EventParser parser = new EventParser(65536);

    private ParseResult parse(String key, String value) {
        return parser.parse(key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void shouldReadEveryFieldOfAValidEvent() {
        ParseResult result = parse("s-1", VALID);

        assertThat(result).isInstanceOf(ParseResult.Valid.class);
        ShopEvent event = ((ParseResult.Valid) result).event();
        assertThat(event.eventId()).isEqualTo("e-1");
        assertThat(event.type()).isEqualTo(EventType.PAGE_VIEW);
        assertThat(event.sessionId()).isEqualTo("s-1");
        // 2026-11-29T13:05:00Z is 1795957500 s after the epoch; the nanoseconds are kept whole.
        assertThat(event.timeNanos()).isEqualTo(1_795_957_500_123_456_789L);
        assertThat(event.pageId()).isEqualTo("p-1");
        assertThat(event.pageCategory()).isEqualTo(PageCategory.PRODUCT_RELATED);
        assertThat(event.visitorType()).isEqualTo(VisitorType.NEW);
        assertThat(event.operatingSystem()).isEqualTo(2);
        assertThat(event.trafficType()).isEqualTo(5);
        assertThat(event.amount()).isNull();
    }

    @Test
    void shouldAcceptAnEventWithoutKeyAndWithUnknownFields() {
        ParseResult result = parse(null, VALID.replace("\"os\":2", "\"os\":2,\"campaign\":\"x\""));

        assertThat(result).isInstanceOf(ParseResult.Valid.class);
    }

    @Test
    void shouldAcceptAPurchaseWithAmountAndNoPage() {
        ParseResult result = parse("s-1", """
                {"eventId":"e-2","type":"purchase","shopId":"shop-1","sessionId":"s-1","visitorId":"v-1",
                 "timestamp":"2026-11-29T13:05:00Z","amount":19.99}""");

        assertThat(((ParseResult.Valid) result).event().amount()).isEqualTo(19.99);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            malformed JSON             | {"eventId":                                              | malformed-json
            trailing garbage           | {"eventId":"e"} x                                        | malformed-json
            NaN token                  | {"eventId":"e","amount":NaN}                             | malformed-json
            duplicate key              | {"eventId":"e","eventId":"f"}                            | malformed-json
            array                      | [1,2,3]                                                  | not-an-object
            string                     | "page_view"                                              | not-an-object
            missing eventId            | {"type":"page_view"}                                     | missing-field
            """)
    void shouldRejectValuesThatAreNotEventObjects(String name, String value, String reason) {
        assertRejected(parse("s-1", value), reason);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            missing shopId          | "shopId":"shop-1",                     |                                      | missing-field
            null sessionId          | "sessionId":"s-1"                      | "sessionId":null                     | missing-field
            missing page            | "page":{"id":"p-1","category":"product_related"}, |                            | missing-field
            numeric eventId         | "eventId":"e-1"                        | "eventId":17                         | invalid-field
            blank visitorId         | "visitorId":"v-1"                      | "visitorId":"  "                     | invalid-field
            long eventId            | "eventId":"e-1"                        | "eventId":"LONG"                     | invalid-field
            unknown type            | "type":"page_view"                     | "type":"click"                       | unknown-type
            type of wrong case      | "type":"page_view"                     | "type":"PAGE_VIEW"                   | unknown-type
            unknown category        | "category":"product_related"           | "category":"checkout"                | unknown-category
            page not an object      | "page":{"id":"p-1","category":"product_related"} | "page":"p-1"                | invalid-field
            bad timestamp text      | "timestamp":"2026-11-29T13:05:00.123456789Z" | "timestamp":"yesterday"         | bad-timestamp
            impossible date         | "timestamp":"2026-11-29T13:05:00.123456789Z" | "timestamp":"2026-13-01T00:00:00Z" | bad-timestamp
            offset instead of UTC   | "timestamp":"2026-11-29T13:05:00.123456789Z" | "timestamp":"2026-11-29T13:05:00+01:00" | bad-timestamp
            ten fraction digits     | "timestamp":"2026-11-29T13:05:00.123456789Z" | "timestamp":"2026-11-29T13:05:00.1234567891Z" | bad-timestamp
            lowercase t separator   | "timestamp":"2026-11-29T13:05:00.123456789Z" | "timestamp":"2026-11-29t13:05:00Z" | bad-timestamp
            hour 24                 | "timestamp":"2026-11-29T13:05:00.123456789Z" | "timestamp":"2026-11-29T24:00:00Z" | bad-timestamp
            dot without digits      | "timestamp":"2026-11-29T13:05:00.123456789Z" | "timestamp":"2026-11-29T13:05:00.Z" | bad-timestamp
            before 1970             | "timestamp":"2026-11-29T13:05:00.123456789Z" | "timestamp":"1969-12-31T23:59:59Z" | bad-timestamp
            numeric timestamp       | "timestamp":"2026-11-29T13:05:00.123456789Z" | "timestamp":1795957500         | invalid-field
            unknown visitor type    | "visitorType":"new"                    | "visitorType":"vip"                  | invalid-field
            fractional os           | "os":2                                 | "os":2.5                             | invalid-field
            negative browser        | "browser":3                            | "browser":-3                         | invalid-field
            os as string            | "os":2                                 | "os":"2"                             | invalid-field
            negative amount         | "os":2                                 | "os":2,"amount":-1                   | invalid-field
            infinite amount         | "os":2                                 | "os":2,"amount":1e999                | invalid-field
            amount as string        | "os":2                                 | "os":2,"amount":"12"                 | invalid-field
            """)
    void shouldRejectABrokenFieldNamingIt(String name, String find, String replace, String reason) {
        String value = VALID.replace(find, replace == null ? "" : replace.replace("LONG", "x".repeat(300)));
        assertThat(value).isNotEqualTo(VALID);

        assertRejected(parse("s-1", value), reason);
    }

    @Test
    void shouldAcceptAnIntegralDecimalAsACode() {
        ParseResult result = parse("s-1", VALID.replace("\"os\":2", "\"os\":2.0"));

        assertThat(((ParseResult.Valid) result).event().operatingSystem()).isEqualTo(2);
    }

    @Test
    void shouldCountIdLengthInCharactersNotUtf16Units() {
        String emoji = "\uD83D\uDED2";
        ParseResult fits = parse("s-1", VALID.replace("\"eventId\":\"e-1\"", "\"eventId\":\"" + emoji.repeat(256) + "\""));
        ParseResult tooLong = parse("s-1", VALID.replace("\"eventId\":\"e-1\"", "\"eventId\":\"" + emoji.repeat(257) + "\""));

        assertThat(fits).isInstanceOf(ParseResult.Valid.class);
        assertRejected(tooLong, "invalid-field");
    }

    @Test
    void shouldRejectAKeyThatIsNotTheSessionId() {
        ParseResult result = parse("s-2", VALID);

        assertRejected(result, "key-mismatch");
        assertThat(((ParseResult.Invalid) result).rejection().detail()).contains("s-1");
    }

    @Test
    void shouldRejectNullEmptyAndOversizedValues() {
        assertRejected(parse("s-1", null), "null-value");
        assertRejected(parse("s-1", ""), "empty-value");
        assertRejected(parse("s-1", "{\"pad\":\"" + "x".repeat(1 << 20) + "\"}"), "too-large");
    }

    @Test
    void shouldNameTheMissingFieldInTheDetail() {
        ParseResult result = parse("s-1", VALID.replace("\"shopId\":\"shop-1\",", ""));

        assertThat(((ParseResult.Invalid) result).rejection().detail()).isEqualTo("field 'shopId' is required");
    }

    private static void assertRejected(ParseResult result, String reason) {
        assertThat(result).isInstanceOf(ParseResult.Invalid.class);
        Rejection rejection = ((ParseResult.Invalid) result).rejection();
        assertThat(rejection.reason().code()).isEqualTo(reason);
        assertThat(rejection.detail()).isNotBlank();
    }

    @Test
    void readsTimestampsAsInstantParseDoes() throws Exception {
        // Random instants from 1970 to 2100 (leap days included), written with 0 to 9 fraction digits.
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < 20_000; i++) {
            java.time.Instant instant = java.time.Instant.ofEpochSecond(random.nextLong(0, 4_102_444_800L), random.nextInt(1_000_000_000));
            int fractionDigits = random.nextInt(10);
            String text = java.time.format.DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss" + (fractionDigits == 0 ? "" : "." + "S".repeat(fractionDigits)))
                    .withZone(java.time.ZoneOffset.UTC).format(instant) + "Z";
            java.time.Instant expected = java.time.Instant.parse(text);
            assertThat(EventParser.timestamp(text)).as(text).isEqualTo(expected.getEpochSecond() * 1_000_000_000L + expected.getNano());
        }
    }

    @ParameterizedTest
    @CsvSource({"2026-02-29T00:00:00Z", "2025-04-31T00:00:00Z", "2026-00-10T00:00:00Z", "2026-01-32T00:00:00Z", "0000-01-01T00:00:00Z"})
    void refusesImpossibleDates(String text) {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> EventParser.timestamp(text)).hasMessageContaining("not an ISO-8601 UTC instant");
    }
}
