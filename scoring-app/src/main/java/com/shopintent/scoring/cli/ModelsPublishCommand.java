package com.shopintent.scoring.cli;

import com.shopintent.scoring.config.ScoringConfig;
import com.shopintent.scoring.lifecycle.ControlTopic;
import com.shopintent.scoring.lifecycle.ModelAnnouncement;
import com.shopintent.scoring.lifecycle.ModelRole;
import com.shopintent.scoring.model.ModelPackage;
import com.shopintent.scoring.model.ScoringModel;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code models publish}: announces a verified package to every instance. */
@Command(name = "publish", mixinStandardHelpOptions = true,
        description = {"Announce a model package on the control topic scoring.models: every instance fetches it,",
            "verifies it and swaps it in without a restart. The package is verified here first."})
final class ModelsPublishCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "<dir>", description = "the model package directory")
    Path dir;

    @Option(names = "--role", required = true, paramLabel = "champion|challenger",
            description = "champion: serves every prediction; challenger: scored beside it, reported under 'challenger'")
    String role;

    @Option(names = "--location", paramLabel = "<path|file:|http(s):>",
            description = "where the instances read the package (default: <dir> as an absolute path, for a file system every instance mounts)")
    String location;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        ModelRole modelRole = ModelRole.fromWireName(role.toLowerCase(Locale.ROOT));
        ScoringConfig config = SettingOptions.config(spec, System.getenv(), Map.of());
        ScoringModel model = ModelPackage.load(dir);
        String where = location != null ? location : dir.toAbsolutePath().normalize().toString();
        ModelAnnouncement announcement = new ModelAnnouncement(model.version(), where, ModelPackage.packageSha256(dir),
                modelRole, Instant.now());
        new ControlTopic(config.clientProperties()).announce(announcement);
        PrintWriter out = spec.commandLine().getOut();
        out.printf("announced %s as %s%n  location %s%n  sha256   %s%n", announcement.version(), modelRole.wireName(),
                where, announcement.sha256());
        out.println("every instance reads the package from that location: it must be readable there by each of them");
        out.flush();
        return 0;
    }
}
