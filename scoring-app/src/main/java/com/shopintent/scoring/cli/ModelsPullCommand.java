package com.shopintent.scoring.cli;

import com.shopintent.scoring.config.ScoringConfig;
import com.shopintent.scoring.lifecycle.ControlTopic;
import com.shopintent.scoring.lifecycle.ModelAnnouncement;
import com.shopintent.scoring.lifecycle.ModelRole;
import com.shopintent.scoring.lifecycle.PackageFetcher;
import com.shopintent.scoring.model.ModelPackage;
import com.shopintent.scoring.model.ScoringModel;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code models pull}: puts the announced champion's package, verified, into a directory before the
 * application starts (a Kubernetes init container), so a new pod serves the current model from
 * its first event without fetching it in the start path.
 */
@Command(name = "pull", mixinStandardHelpOptions = true,
        description = {"Copy the package announced as champion on scoring.models into <dir>, verified;",
            "with nothing announced, copy the --default package (e.g. the one in the image)."})
final class ModelsPullCommand implements Callable<Integer> {

    @Option(names = "--to", required = true, paramLabel = "<dir>", description = "where the package goes (replaced if there)")
    Path to;

    @Option(names = "--default", paramLabel = "<model-dir>", description = "the package to use when no champion is announced")
    Path fallback;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        ScoringConfig config = SettingOptions.config(spec, System.getenv(), Map.of());
        ModelAnnouncement champion = new ControlTopic(config.clientProperties()).current().get(ModelRole.CHAMPION);
        PrintWriter out = spec.commandLine().getOut();
        Path target = to.toAbsolutePath().normalize();
        Files.createDirectories(target.getParent());
        Path staging = Files.createTempDirectory(target.getParent(), ".pull-");
        try {
            Path source;
            ScoringModel model;
            if (champion != null) {
                PackageFetcher fetcher = new PackageFetcher(staging);
                model = fetcher.fetchAndLoad(champion);
                // The copy just made and checked: fetching again returns it.
                source = fetcher.fetch(champion);
            } else if (fallback != null) {
                source = fallback;
                model = ModelPackage.load(source);
            } else {
                throw new IllegalStateException("no champion is announced on scoring.models and no --default package is given");
            }
            Path copy = staging.resolve("package");
            copyDirectory(source, copy);
            deleteRecursively(target);
            Files.move(copy, target, StandardCopyOption.ATOMIC_MOVE);
            out.printf("%s %s into %s%n", champion != null ? "pulled champion" : "nothing announced; copied default", model.version(), target);
        } finally {
            deleteRecursively(staging);
        }
        out.flush();
        return 0;
    }

    private static void copyDirectory(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path file : files.toList()) {
                Files.copy(file, to.resolve(file.getFileName().toString()));
            }
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + dir, e);
        }
    }
}
