package com.shopintent.scoring.cli;

import com.shopintent.scoring.config.ScoringConfig;
import com.shopintent.scoring.runtime.PartitionScaler;
import com.shopintent.scoring.topology.Topics;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code partitions scale|cleanup}: more partitions of shop.events through a new application generation. */
@Command(name = "partitions", mixinStandardHelpOptions = true,
        description = "Raise the partitions of " + Topics.EVENTS + " by handing the stopped application over to a new"
                + " application id (scale), and delete the old generation once the new one runs (cleanup). docs/OPERATIONS.md"
                + " has the whole procedure.",
        subcommands = {PartitionsCommand.Scale.class, PartitionsCommand.Cleanup.class})
final class PartitionsCommand {

    @Command(name = "scale", mixinStandardHelpOptions = true,
            description = {"With every instance stopped: copy the keyless events taken but not yet scored back into "
                    + Topics.EVENTS + ", raise its partitions, and start the new generation's group where the old one stopped.",
                "--application-id names the stopped generation (default: the setting)."})
    static final class Scale implements Callable<Integer> {
        @Option(names = "--to", required = true, paramLabel = "<partitions>", description = "partitions of " + Topics.EVENTS + " wanted")
        int partitions;

        @Option(names = "--new-application-id", paramLabel = "<id>",
                description = "application id of the new generation (default: the old one with -g2, or the next -g<n>)")
        String newApplicationId;

        @Option(names = "--already-raised",
                description = Topics.EVENTS + " has its new partitions already (raised through its Strimzi KafkaTopic, or by hand):"
                        + " hand over without creating them")
        boolean alreadyRaised;

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            ScoringConfig config = SettingOptions.config(spec, System.getenv(), Map.of());
            String old = config.get(ScoringConfig.APPLICATION_ID);
            String next = newApplicationId == null ? PartitionScaler.nextApplicationId(old)
                    : ScoringConfig.APPLICATION_ID.read(Map.of(ScoringConfig.APPLICATION_ID.env(), newApplicationId));
            PrintWriter out = spec.commandLine().getOut();
            PartitionScaler.Handover handover;
            try (Admin admin = Admin.create(config.clientProperties())) {
                handover = new PartitionScaler(admin, config.clientProperties(), step -> {
                    out.println(step);
                    out.flush();
                }).scale(new PartitionScaler.Request(old, next, partitions, alreadyRaised));
            }
            out.printf("handed %s over to %s: %s has %d partitions (%s)%n", old, next, Topics.EVENTS, handover.partitions(),
                    handover.partitionsBefore() == handover.partitions() ? "raised already" : handover.partitionsBefore() + " before");
            out.println("  " + next + " starts at " + handover.startOffsets().entrySet().stream()
                    .map(e -> e.getKey() + ":" + e.getValue()).collect(Collectors.joining(" ")) + " (partition:offset)");
            out.println("  keyless events copied back into " + Topics.EVENTS + ": " + handover.keylessCopied());
            out.println("next:");
            out.printf("  1. start the instances with SCORING_APPLICATION_ID=%s SCORING_PARTITIONS=%d%n", next, handover.partitions());
            out.println("     (Kubernetes: both in the StatefulSet's environment, the KEDA ScaledObject's consumerGroup too, then scale it up)");
            out.println("  2. once they are ready, delete the old generation's internal topics and consumer group:");
            out.printf("     ./scoring partitions cleanup --application-id %s --new-application-id %s%n", old, next);
            out.println("     which deletes " + (handover.oldInternalTopics().isEmpty() ? "no topics" : String.join(", ", handover.oldInternalTopics())));
            out.flush();
            return 0;
        }
    }

    @Command(name = "cleanup", mixinStandardHelpOptions = true,
            description = {"Delete the internal topics and the consumer group of a generation handed over by 'scale', once the"
                    + " new generation runs (refused while the old one has instances or the new one has none).",
                "--application-id names the old generation."})
    static final class Cleanup implements Callable<Integer> {
        @Option(names = "--new-application-id", paramLabel = "<id>",
                description = "application id of the generation that took over (default: the old one with -g2, or the next -g<n>)")
        String newApplicationId;

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            ScoringConfig config = SettingOptions.config(spec, System.getenv(), Map.of());
            String old = config.get(ScoringConfig.APPLICATION_ID);
            String next = newApplicationId == null ? PartitionScaler.nextApplicationId(old) : newApplicationId;
            PrintWriter out = spec.commandLine().getOut();
            try (Admin admin = Admin.create(config.clientProperties())) {
                new PartitionScaler(admin, config.clientProperties(), out::println).cleanup(old, next)
                        .forEach(topic -> out.println("deleted  " + topic));
            }
            out.println("deleted  consumer group " + old);
            out.flush();
            return 0;
        }
    }
}
