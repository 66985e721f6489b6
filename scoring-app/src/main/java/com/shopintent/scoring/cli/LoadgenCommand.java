package com.shopintent.scoring.cli;

import com.shopintent.scoring.config.ScoringConfig;
import com.shopintent.scoring.loadgen.LoadGenerator;
import com.shopintent.scoring.loadgen.LoadReport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code loadgen}: traffic like many real shops against a running pipeline, with end-to-end latency. */
@Command(name = "loadgen", mixinStandardHelpOptions = true,
        description = {"Send sessions drawn from the data set, spread over shops, open loop at a fixed rate;",
            "read the predictions back (read_committed) and report counts and end-to-end latency."})
final class LoadgenCommand implements Callable<Integer> {

    @Option(names = "--bootstrap", required = true, paramLabel = "<servers>", description = "the Kafka cluster")
    String bootstrap;

    @Mixin
    LoadOptions load = new LoadOptions();

    @Mixin
    DataOption data = new DataOption();

    @Option(names = "--report", paramLabel = "<file>", description = "write the summary as JSON here")
    Path report;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        ScoringConfig config = ScoringConfig.from(System.getenv()).with(Map.of("SCORING_BOOTSTRAP_SERVERS", bootstrap));
        LoadGenerator generator = new LoadGenerator(config.clientProperties(), data.rows(), config.get(ScoringConfig.SPECIAL_DAYS),
                load.settings());
        Interrupts.onInterrupt(generator::stop);
        ProgressPrinter printer = new ProgressPrinter(spec.commandLine().getOut(), null);
        LoadReport result = generator.run(printer::update, Duration.ofSeconds(2));
        printer.summary(result);
        if (report != null) {
            result.write(report);
        }
        boolean warmUpComplete = result.warmUp() == null || result.warmUp().missing() == 0;
        return result.missing() == 0 && warmUpComplete && result.duplicated() == 0 ? 0 : 1;
    }
}
