package com.shopintent.scoring.dashboards;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * The {@code prometheus} and {@code promtool} binaries of Debian's {@code prometheus} package, from the
 * PATH. Without them a test is skipped and says how to install them, except under {@code CI=true}, where
 * their absence fails it: CI must not pass by skipping the checks of the dashboards and rules.
 */
public final class PrometheusBinaries {

    static final String DEBIAN_PACKAGE = "prometheus";

    private PrometheusBinaries() {
    }

    public static Path prometheus() {
        return require("prometheus");
    }

    public static Path promtool() {
        return require("promtool");
    }

    private static Path require(String binary) {
        Optional<Path> found = onPath(binary);
        if (found.isPresent()) {
            return found.get();
        }
        String missing = binary + " is not on the PATH; it comes with Debian's " + DEBIAN_PACKAGE
                + " package: apt-get install " + DEBIAN_PACKAGE;
        if ("true".equals(System.getenv("CI"))) {
            fail(missing + " (CI=true: the Prometheus checks must run, not be skipped)");
        }
        System.out.println("Skipping: " + missing);
        return Assumptions.abort(missing);
    }

    private static Optional<Path> onPath(String binary) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, binary);
            if (!dir.isEmpty() && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
