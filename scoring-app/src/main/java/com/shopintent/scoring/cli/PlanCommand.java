package com.shopintent.scoring.cli;

import com.shopintent.scoring.deploy.CapacityPlan;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code plan}: instances, partitions and autoscaler values for a target rate. */
@Command(name = "plan", mixinStandardHelpOptions = true,
        description = "Instances, shop.events partitions and KEDA values for a target rate, with the arithmetic shown.")
final class PlanCommand implements Callable<Integer> {

    @Option(names = "--target-rate", required = true, paramLabel = "<events/s>", description = "events per second to absorb")
    double targetRate;

    @Option(names = "--per-instance-rate", required = true, paramLabel = "<events/s>",
            description = "events per second one instance sustains, as measured on your nodes (./scoring loadgen against one instance)")
    double perInstanceRate;

    @Option(names = "--headroom", defaultValue = "0.3", paramLabel = "<share>",
            description = "added to the target for bursts and a lost instance (default: ${DEFAULT-VALUE})")
    double headroom;

    @Option(names = "--growth", defaultValue = "2", paramLabel = "<times>",
            description = "how many times the instances the partitions must allow (default: ${DEFAULT-VALUE})")
    int growth;

    @Option(names = "--backlog-seconds", defaultValue = "10", paramLabel = "<s>",
            description = "seconds of input an instance may have waiting before another is added (default: ${DEFAULT-VALUE})")
    double backlogSeconds;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        CapacityPlan plan = new CapacityPlan(targetRate, perInstanceRate, headroom, growth, backlogSeconds);
        PrintWriter out = spec.commandLine().getOut();
        plan.explain().forEach(out::println);
        out.flush();
        return 0;
    }
}
