package com.shopintent.scoring.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.shopintent.scoring.TestCertificates;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
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
