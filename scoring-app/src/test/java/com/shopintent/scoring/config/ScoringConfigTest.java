package com.shopintent.scoring.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.shopintent.scoring.TestCertificates;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import javax.security.auth.login.AppConfigurationEntry;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.security.JaasContext;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScoringConfigTest {

    @Test
    void shouldDefaultToExactlyOnceV2() {
        Properties props = ScoringConfig.defaults().streamsProperties();

        assertThat(props.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo(StreamsConfig.EXACTLY_ONCE_V2);
        assertThat(props.get(StreamsConfig.APPLICATION_ID_CONFIG)).isEqualTo("shop-intent-scoring");
    }

    @Test
    void shouldHaveKafkaStreamsBuildItsClientsWithTheSupplierThatLeavesATransactionsFlushToItsCommit() {
        StreamsConfig streams = new StreamsConfig(ScoringConfig.defaults().streamsProperties());

        assertThat(streams.getKafkaClientSupplier()).isInstanceOf(StreamsClientSupplier.class);
    }

    @Test
    void shouldRunTwoStreamThreadsByDefault() {
        assertThat(ScoringConfig.defaults().streamsProperties().get(StreamsConfig.NUM_STREAM_THREADS_CONFIG)).isEqualTo(2);
        assertThat(ScoringConfig.from(Map.of("SCORING_NUM_STREAM_THREADS", "1")).streamsProperties()
                .get(StreamsConfig.NUM_STREAM_THREADS_CONFIG)).isEqualTo(1);
    }

    @Test
    void shouldGiveTheInsightWindowsTwoPartitionsWhateverShopEventsHas() {
        assertThat(ScoringConfig.from(Map.of("SCORING_PARTITIONS", "12")).get(ScoringConfig.INSIGHT_PARTITIONS)).isEqualTo(2);
        assertThat(ScoringConfig.from(Map.of("SCORING_INSIGHT_PARTITIONS", "12")).get(ScoringConfig.INSIGHT_PARTITIONS)).isEqualTo(12);
        assertThatThrownBy(() -> ScoringConfig.from(Map.of("SCORING_INSIGHT_PARTITIONS", "0")))
                .hasMessageContaining("SCORING_INSIGHT_PARTITIONS").hasMessageContaining("an integer from 1 to 1000");
    }

    @Test
    void shouldReadTypedSettingsFromTheEnvironmentAndIgnoreOtherVariables() {
        ScoringConfig config = ScoringConfig.from(Map.of("SCORING_SESSION_TIMEOUT", "PT10M", "PATH", "/bin",
                "SCORING_PROCESSING_GUARANTEE", "at_least_once"));

        assertThat(config.get(ScoringConfig.SESSION_TIMEOUT)).isEqualTo(Duration.ofMinutes(10));
        assertThat(config.streamsProperties().get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo("at_least_once");
    }

    @Test
    void shouldPassKafkaPropertiesThroughAndLetThemOverride() {
        ScoringConfig config = ScoringConfig.from(Map.of("SCORING_KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "SCORING_KAFKA_COMMIT_INTERVAL_MS", "250"));

        Properties props = config.streamsProperties();
        assertThat(props.get("security.protocol")).isEqualTo("SASL_SSL");
        assertThat(props.get("commit.interval.ms")).isEqualTo("250");
    }

    @Test
    void shouldCommitEach20MsUnderExactlyOnceAndEachSecondUnderAtLeastOnceUnlessTheIntervalIsSet() {
        Map<String, String> atLeastOnce = Map.of("SCORING_PROCESSING_GUARANTEE", "at_least_once");

        assertThat(ScoringConfig.defaults().streamsProperties().get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG)).isEqualTo(20L);
        assertThat(ScoringConfig.from(atLeastOnce).streamsProperties().get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG))
                .isEqualTo(1000L);
        for (String guarantee : List.of("exactly_once_v2", "at_least_once")) {
            ScoringConfig set = ScoringConfig.from(Map.of("SCORING_PROCESSING_GUARANTEE", guarantee, "SCORING_COMMIT_INTERVAL", "PT0.25S"));
            assertThat(set.streamsProperties().get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG)).as(guarantee).isEqualTo(250L);
        }
    }

    @Test
    void shouldLogTheCommitIntervalInForceAndUnsetSettingsAsUnset() {
        assertThat(ScoringConfig.defaults().describe())
                .containsPattern("SCORING_COMMIT_INTERVAL +PT0.02S \\(unset: exactly_once_v2's own\\)")
                .containsPattern("SCORING_INSTANCE_ID +\\(unset\\)").doesNotContain("null");
        assertThat(ScoringConfig.from(Map.of("SCORING_PROCESSING_GUARANTEE", "at_least_once")).describe())
                .containsPattern("SCORING_COMMIT_INTERVAL +PT1S \\(unset: at_least_once's own\\)");
        assertThat(ScoringConfig.from(Map.of("SCORING_COMMIT_INTERVAL", "PT0.25S")).describe())
                .containsPattern("SCORING_COMMIT_INTERVAL +PT0.25S\\R");
    }

    @Test
    void shouldShortenTheGlobalConsumersFetchWaitUnlessAKafkaPropertySetsIt() {
        String property = StreamsConfig.globalConsumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG);

        assertThat(ScoringConfig.defaults().streamsProperties().get(property)).isEqualTo(100);
        assertThat(ScoringConfig.from(Map.of("SCORING_KAFKA_GLOBAL_CONSUMER_FETCH_MAX_WAIT_MS", "500")).streamsProperties().get(property))
                .isEqualTo("500");
        // Only the global consumer's: the stream threads' consumers keep Kafka's default.
        assertThat(ScoringConfig.defaults().streamsProperties()).doesNotContainKeys(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG,
                StreamsConfig.mainConsumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG));
    }

    @Test
    void shouldGiveTheStreamsProducersLargerBatchesUnderExactlyOnceUnlessAKafkaPropertySetsThem() {
        assertThat(producerConfig(Map.of()).get(ProducerConfig.BATCH_SIZE_CONFIG)).isEqualTo(256 * 1024);
        assertThat(producerConfig(Map.of("SCORING_KAFKA_PRODUCER_BATCH_SIZE", "65536")).get(ProducerConfig.BATCH_SIZE_CONFIG))
                .isEqualTo("65536");
        // At-least-once readers see a batch when it is sent: Kafka's default, for latency.
        assertThat(producerConfig(Map.of("SCORING_PROCESSING_GUARANTEE", "at_least_once"))).doesNotContainKey(ProducerConfig.BATCH_SIZE_CONFIG);
    }

    @Test
    void shouldLetTheStreamsProducersLingerBrieflyUnderAtLeastOnceUnlessAKafkaPropertySetsIt() {
        Map<String, String> atLeastOnce = Map.of("SCORING_PROCESSING_GUARANTEE", "at_least_once");
        assertThat(producerConfig(atLeastOnce).get(ProducerConfig.LINGER_MS_CONFIG)).isEqualTo(5);
        assertThat(producerConfig(Map.of("SCORING_PROCESSING_GUARANTEE", "at_least_once", "SCORING_KAFKA_PRODUCER_LINGER_MS", "20"))
                .get(ProducerConfig.LINGER_MS_CONFIG)).isEqualTo("20");
        // Exactly-once readers see nothing before the commit, which sends every batch: Kafka Streams' own 100 ms.
        assertThat(producerConfig(Map.of()).get(ProducerConfig.LINGER_MS_CONFIG)).hasToString("100");
    }

    /** What Kafka Streams hands its producers, after its own producer defaults are applied. */
    private static Map<String, Object> producerConfig(Map<String, String> env) {
        return new StreamsConfig(ScoringConfig.from(env).streamsProperties()).getProducerConfigs("client");
    }

    @Test
    void shouldNameTheSettingAndTheAllowedValuesWhenAValueIsWrong() {
        assertThatThrownBy(() -> ScoringConfig.from(Map.of("SCORING_PROCESSING_GUARANTEE", "exactly_once")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("SCORING_PROCESSING_GUARANTEE")
                .hasMessageContaining("exactly_once_v2 or at_least_once");
        assertThatThrownBy(() -> ScoringConfig.from(Map.of("SCORING_SESSION_TIMEOUT", "30 minutes")))
                .hasMessageContaining("SCORING_SESSION_TIMEOUT").hasMessageContaining("ISO-8601 duration");
        assertThatThrownBy(() -> ScoringConfig.from(Map.of("SCORING_BOOTSTRAP_SERVERS", "broker")))
                .hasMessageContaining("SCORING_BOOTSTRAP_SERVERS").hasMessageContaining("host:port");
        assertThatThrownBy(() -> ScoringConfig.from(Map.of("SCORING_SPECIAL_DAYS", "14-02")))
                .hasMessageContaining("SCORING_SPECIAL_DAYS");
    }

    @Test
    void shouldReportEveryWrongSettingAtOnce() {
        assertThatThrownBy(() -> ScoringConfig.from(Map.of("SCORING_MAX_EVENT_BYTES", "1", "SCORING_NUM_STREAM_THREADS", "0")))
                .hasMessageContaining("SCORING_MAX_EVENT_BYTES").hasMessageContaining("SCORING_NUM_STREAM_THREADS");
    }

    @Test
    void shouldRejectAMisspelledSetting() {
        assertThatThrownBy(() -> ScoringConfig.from(Map.of("SCORING_SESION_TIMEOUT", "PT1M")))
                .hasMessageContaining("SCORING_SESION_TIMEOUT is not a setting");
    }

    @Test
    void shouldAcceptTheLaunchersVariableAndALogLevelButNoOtherLevel() {
        ScoringConfig config = ScoringConfig.from(Map.of("SCORING_JAVA_OPTS", "-Xmx1g", "SCORING_LOG_LEVEL", "debug"));

        assertThat(config.get(ScoringConfig.LOG_LEVEL)).isEqualTo("DEBUG");
        assertThatThrownBy(() -> ScoringConfig.from(Map.of("SCORING_LOG_LEVEL", "LOUD")))
                .hasMessageContaining("SCORING_LOG_LEVEL").hasMessageContaining("TRACE, DEBUG, INFO, WARN or ERROR");
    }

    @Test
    void shouldDocumentEverySettingInTheOperationsPage() throws java.io.IOException {
        String page = java.nio.file.Files.readString(java.nio.file.Path.of("..", "docs", "OPERATIONS.md"));

        for (Setting<?> setting : ScoringConfig.SETTINGS) {
            assertThat(page).as(setting.env()).contains("| `" + setting.env() + "` | `" + setting.flag() + "` |");
        }
    }

    @Test
    void shouldMaskSecretsWhenDescribed() {
        ScoringConfig config = ScoringConfig.from(Map.of(
                "SCORING_KAFKA_SASL_JAAS_CONFIG", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"u\" password=\"hunter2\";",
                "SCORING_KAFKA_SSL_TRUSTSTORE_PASSWORD", "changeit",
                "SCORING_KAFKA_SSL_TRUSTSTORE_LOCATION", "/etc/kafka/truststore.jks"));

        String described = config.describe();
        assertThat(described).doesNotContain("hunter2").doesNotContain("changeit")
                .contains("sasl.jaas.config").contains("/etc/kafka/truststore.jks").contains("SCORING_SESSION_TIMEOUT");
    }

    @Test
    void shouldConnectWithScramOverTlsFromAUserAPasswordFileAndACa(@TempDir Path dir) throws Exception {
        // Quotes and backslashes must survive the JAAS line; the newline kubectl or echo leave must not.
        String password = "p\"a\\ss-w0rd";
        Path file = Files.writeString(dir.resolve("password"), password + "\n", StandardCharsets.UTF_8);
        Path ca = TestCertificates.forLocalhost(dir).caPem();

        ScoringConfig config = ScoringConfig.from(Map.of("SCORING_KAFKA_SASL_USERNAME", "shop-intent-scoring",
                "SCORING_KAFKA_SASL_PASSWORD_FILE", file.toString(), "SCORING_KAFKA_TLS_CA", ca.toString()));

        for (Map<?, ?> props : List.<Map<?, ?>>of(config.clientProperties(), config.streamsProperties())) {
            assertThat(props.get("security.protocol")).isEqualTo("SASL_SSL");
            assertThat(props.get("sasl.mechanism")).isEqualTo("SCRAM-SHA-512");
            assertThat(props.get("ssl.truststore.type")).isEqualTo("PEM");
            assertThat(props.get("ssl.truststore.location")).isEqualTo(ca.toString());
            // Parsed as the Kafka clients parse it.
            AppConfigurationEntry login = JaasContext.loadClientContext(
                    Map.of("sasl.jaas.config", new Password((String) props.get("sasl.jaas.config")))).configurationEntries().get(0);
            assertThat(login.getLoginModuleName()).isEqualTo("org.apache.kafka.common.security.scram.ScramLoginModule");
            assertThat(login.getOptions().get("username")).isEqualTo("shop-intent-scoring");
            assertThat(login.getOptions().get("password")).isEqualTo(password);
        }
        assertThat(config.describe()).doesNotContain("ss-w0rd").contains("shop-intent-scoring").contains(file.toString())
                .contains(ca.toString()).containsPattern("kafka sasl.jaas.config +\\*{5}");
    }

    @Test
    void shouldMaskAPasswordGivenInTheEnvironment() {
        ScoringConfig config = ScoringConfig.from(Map.of("SCORING_KAFKA_SASL_USERNAME", "dashboards",
                "SCORING_KAFKA_SASL_PASSWORD", "hunter2-secret"));

        assertThat((String) config.clientProperties().get("sasl.jaas.config")).contains("password=\"hunter2-secret\"");
        assertThat(config.describe()).doesNotContain("hunter2").containsPattern("SCORING_KAFKA_SASL_PASSWORD +\\*{5}");
        assertThatThrownBy(() -> ScoringConfig.from(Map.of("SCORING_KAFKA_SASL_USERNAME", "dashboards",
                "SCORING_KAFKA_SASL_PASSWORD", "hunter2\u0007x")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("SCORING_KAFKA_SASL_PASSWORD=*****")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void shouldUseTlsWithoutSaslWhenOnlyTheCaIsGiven(@TempDir Path dir) {
        Path ca = TestCertificates.forLocalhost(dir).caPem();

        Map<String, Object> props = ScoringConfig.from(Map.of("SCORING_KAFKA_TLS_CA", ca.toString())).clientProperties();

        assertThat(props).containsEntry("security.protocol", "SSL").containsEntry("ssl.truststore.location", ca.toString())
                .doesNotContainKey("sasl.jaas.config");
        // The CA also serves a JAAS configuration passed through, as before the shortcuts.
        assertThat(ScoringConfig.from(Map.of("SCORING_KAFKA_TLS_CA", ca.toString(), "SCORING_KAFKA_SECURITY_PROTOCOL", "SASL_SSL"))
                .clientProperties()).containsEntry("security.protocol", "SASL_SSL");
    }

    @Test
    void shouldRefuseIncompleteOrConflictingKafkaCredentials(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("password"), "s3cret", StandardCharsets.UTF_8);
        Path empty = Files.writeString(dir.resolve("empty"), "\n", StandardCharsets.UTF_8);
        String ca = TestCertificates.forLocalhost(dir).caPem().toString();
        Map<Map<String, String>, String> wrong = Map.of(
                Map.of("SCORING_KAFKA_SASL_USERNAME", "u"), "SCORING_KAFKA_SASL_USERNAME is set without a password",
                Map.of("SCORING_KAFKA_SASL_PASSWORD_FILE", file.toString()), "SCORING_KAFKA_SASL_USERNAME is unset",
                Map.of("SCORING_KAFKA_SASL_USERNAME", "u", "SCORING_KAFKA_SASL_PASSWORD_FILE", file.toString(),
                        "SCORING_KAFKA_SASL_PASSWORD", "s3cret"), "are both set",
                Map.of("SCORING_KAFKA_SASL_USERNAME", "u", "SCORING_KAFKA_SASL_PASSWORD_FILE", dir.resolve("missing").toString()),
                "SCORING_KAFKA_SASL_PASSWORD_FILE='" + dir.resolve("missing") + "' is invalid",
                Map.of("SCORING_KAFKA_SASL_USERNAME", "u", "SCORING_KAFKA_SASL_PASSWORD_FILE", empty.toString()), "the file is empty",
                Map.of("SCORING_KAFKA_SASL_USERNAME", "u", "SCORING_KAFKA_SASL_PASSWORD_FILE", file.toString(),
                        "SCORING_KAFKA_SASL_JAAS_CONFIG", "x"), "and so does SCORING_KAFKA_SASL_JAAS_CONFIG",
                Map.of("SCORING_KAFKA_TLS_CA", ca, "SCORING_KAFKA_SSL_TRUSTSTORE_LOCATION", "/etc/ca.pem"),
                "and so does SCORING_KAFKA_SSL_TRUSTSTORE_LOCATION",
                Map.of("SCORING_KAFKA_TLS_CA", ca, "SCORING_KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT"), "the CA applies to TLS only");

        wrong.forEach((settings, message) -> assertThatThrownBy(() -> ScoringConfig.from(settings))
                .as(settings.toString()).isInstanceOf(ConfigException.class).hasMessageContaining(message)
                .hasMessageNotContaining("s3cret"));
    }

    @Test
    void shouldNotShadowAnyKafkaPropertyWithAShortcut() {
        Set<String> kafkaNames = new HashSet<>(StreamsConfig.configDef().names());
        kafkaNames.addAll(ProducerConfig.configNames());
        kafkaNames.addAll(ConsumerConfig.configNames());
        kafkaNames.addAll(AdminClientConfig.configNames());
        List<String> shortcuts = ScoringConfig.SETTINGS.stream().map(Setting::env).filter(env -> env.startsWith(ScoringConfig.KAFKA_PREFIX))
                .map(env -> env.substring(ScoringConfig.KAFKA_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.')).toList();

        assertThat(shortcuts).containsExactlyInAnyOrder("sasl.username", "sasl.password.file", "sasl.password", "tls.ca");
        assertThat(shortcuts).doesNotContainAnyElementsOf(kafkaNames);
    }

    @Test
    void shouldMaskTheRedisUriAndNotRepeatItsPasswordWhenInvalid() {
        ScoringConfig config = ScoringConfig.from(Map.of("SCORING_CACHE", "on",
                "SCORING_REDIS_URI", "redis://scoring:hunter2@redis-0:6379"));
        assertThat(config.describe()).doesNotContain("hunter2").contains("SCORING_REDIS_URI");
        assertThat(config.get(ScoringConfig.REDIS_URI)).singleElement()
                .satisfies(uri -> assertThat(uri.getHost()).isEqualTo("redis-0"));

        assertThatThrownBy(() -> ScoringConfig.from(Map.of("SCORING_CACHE", "on", "SCORING_REDIS_URI", "http://u:hunter2@redis-0:6379")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("SCORING_REDIS_URI").hasMessageNotContaining("hunter2");
    }

    @Test
    void shouldRejectARedisUriWhenTheCacheIsOff() {
        assertThatThrownBy(() -> ScoringConfig.from(Map.of("SCORING_CACHE", "off", "SCORING_REDIS_URI", "redis://redis-0:6379")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("SCORING_CACHE=off");
    }

    @Test
    void shouldReadTheRedisTlsCaForRedissUris(@TempDir Path dir) {
        Path ca = TestCertificates.forLocalhost(dir).caPem();

        ScoringConfig config = ScoringConfig.from(Map.of("SCORING_CACHE", "on",
                "SCORING_REDIS_URI", "rediss://redis-0:6379,rediss://redis-1:6379", "SCORING_REDIS_TLS_CA", ca.toString()));

        assertThat(config.get(ScoringConfig.REDIS_TLS_CA)).isEqualTo(ca);
        assertThat(config.get(ScoringConfig.REDIS_URI)).allMatch(uri -> uri.isSsl());
    }

    @Test
    void shouldRejectARedisTlsCaThatIsMissingOrHoldsNoPemCertificate(@TempDir Path dir) throws Exception {
        TestCertificates certificates = TestCertificates.forLocalhost(dir);
        Path missing = dir.resolve("missing.pem");
        Path empty = Files.writeString(dir.resolve("empty.pem"), "", StandardCharsets.US_ASCII);
        // The JDK would read a DER certificate; the TLS client reads PEM only.
        Path der = Files.write(dir.resolve("ca.der"), certificates.ca().getEncoded());

        for (Path wrong : new Path[] {missing, certificates.serverKeyPem(), empty, der, dir}) {
            assertThatThrownBy(() -> ScoringConfig.from(Map.of("SCORING_CACHE", "on", "SCORING_REDIS_URI", "rediss://redis-0:6379",
                    "SCORING_REDIS_TLS_CA", wrong.toString())))
                    .as(wrong.toString())
                    .isInstanceOf(ConfigException.class).hasMessageContaining("SCORING_REDIS_TLS_CA='" + wrong + "' is invalid");
        }
        assertThatThrownBy(() -> ScoringConfig.from(Map.of("SCORING_CACHE", "on", "SCORING_REDIS_URI", "rediss://redis-0:6379",
                "SCORING_REDIS_TLS_CA", missing.toString()))).hasMessageContaining("no such file");
    }

    @Test
    void shouldRejectARedisTlsCaWithoutRedissUris(@TempDir Path dir) {
        String ca = TestCertificates.forLocalhost(dir).caPem().toString();

        assertThatThrownBy(() -> ScoringConfig.from(Map.of("SCORING_CACHE", "on", "SCORING_REDIS_URI", "redis://redis-0:6379",
                "SCORING_REDIS_TLS_CA", ca)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("SCORING_REDIS_TLS_CA is set but SCORING_REDIS_URI is not rediss://");
        assertThatThrownBy(() -> ScoringConfig.from(Map.of("SCORING_CACHE", "on", "SCORING_REDIS_TLS_CA", ca)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("SCORING_REDIS_URI is unset");
    }

    @Test
    void shouldRejectRedisUrisThatDisagreeOnTls() {
        assertThatThrownBy(() -> ScoringConfig.from(Map.of("SCORING_CACHE", "on", "SCORING_REDIS_CLUSTER", "true",
                "SCORING_REDIS_URI", "rediss://redis-0:6379,redis://redis-1:6379")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("mixes redis:// and rediss://");
    }
}
