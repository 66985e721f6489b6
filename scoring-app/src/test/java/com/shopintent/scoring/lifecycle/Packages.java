package com.shopintent.scoring.lifecycle;

import com.shopintent.scoring.model.ModelPackage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.stream.Stream;

/** Copies of model packages and announcements of them, for the lifecycle tests. */
final class Packages {

    private Packages() {
    }

    static Path copy(Path source, Path target) {
        try {
            Files.createDirectories(target);
            try (Stream<Path> files = Files.list(source)) {
                for (Path file : files.toList()) {
                    Files.copy(file, target.resolve(file.getFileName()));
                }
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ModelAnnouncement announce(Path dir, ModelRole role) {
        return new ModelAnnouncement(ModelPackage.readMetadata(dir).version(), dir.toString(), ModelPackage.packageSha256(dir),
                role, Instant.now());
    }
}
