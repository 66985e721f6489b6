package com.shopintent.scoring.cli;

import com.shopintent.scoring.config.ScoringConfig;
import com.shopintent.scoring.lifecycle.ControlTopic;
import com.shopintent.scoring.lifecycle.ModelAnnouncement;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code models promote}: the challenger becomes champion. */
@Command(name = "promote", mixinStandardHelpOptions = true,
        description = "Make the announced challenger <version> the champion, and retire it as challenger.")
final class ModelsPromoteCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "<version>", description = "the challenger's model version, e.g. xgb-3f9a0c2b71de")
    String version;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        ScoringConfig config = SettingOptions.config(spec, System.getenv(), Map.of());
        ModelAnnouncement champion = new ControlTopic(config.clientProperties()).promote(version);
        PrintWriter out = spec.commandLine().getOut();
        out.printf("champion %s (from %s); no challenger%n", champion.version(), champion.location());
        out.flush();
        return 0;
    }
}
