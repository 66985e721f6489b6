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

    @org.junit.jupiter.api.Test
    void shouldGiveTheChildAnAbsoluteClassPath() {
        String saved = System.getProperty("java.class.path");
        try {
            System.setProperty("java.class.path", "target/classes" + java.io.File.pathSeparator + "lib/a.jar");
            String[] entries = EmbeddedKafkaBroker.absoluteClassPath().split(java.io.File.pathSeparator);

            org.assertj.core.api.Assertions.assertThat(entries).hasSize(2)
                    .allMatch(entry -> java.nio.file.Path.of(entry).isAbsolute());
            org.assertj.core.api.Assertions.assertThat(entries[1]).endsWith("lib/a.jar");
        } finally {
            System.setProperty("java.class.path", saved);
        }
    }
}
