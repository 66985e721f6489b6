package com.shopintent.scoring.runtime;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The checks {@link EmbeddedKafkaBroker} makes before it starts anything. */
class EmbeddedKafkaBrokerTest {

    @Test
    void shouldRefusePropertiesDerivedFromItsPortsAndDirectory() {
        assertThatThrownBy(() -> EmbeddedKafkaBroker.start(Map.of("listeners", "PLAINTEXT://0.0.0.0:9092", "log.dirs", "/tmp/x")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[listeners, log.dirs]");
    }
}
