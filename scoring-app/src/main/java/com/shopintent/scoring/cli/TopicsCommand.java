package com.shopintent.scoring.cli;

import com.shopintent.scoring.config.ScoringConfig;
import com.shopintent.scoring.runtime.TopicPlan;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

/** {@code topics plan|apply}: the product's topics, shown or created. */
@Command(name = "topics", mixinStandardHelpOptions = true,
        description = "Show (plan) or create (apply) the product's topics with their partitions, replication and configuration.",
        subcommands = {TopicsCommand.Plan.class, TopicsCommand.Apply.class})
final class TopicsCommand {

    @Command(name = "plan", mixinStandardHelpOptions = true, description = "Print the topics 'apply' would create.")
    static final class Plan implements Callable<Integer> {
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            ScoringConfig config = SettingOptions.config(spec, System.getenv(), Map.of());
            PrintWriter out = spec.commandLine().getOut();
            for (NewTopic topic : new TopicPlan(config).topics()) {
                out.printf("%-26s partitions=%-4d replication=%-8s %s%n", topic.name(), topic.numPartitions(),
                        topic.replicationFactor() < 0 ? "default" : topic.replicationFactor(), topic.configs());
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "apply", mixinStandardHelpOptions = true,
            description = "Create the missing topics; existing ones are left as they are (a differing partition count is reported).")
    static final class Apply implements Callable<Integer> {
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            ScoringConfig config = SettingOptions.config(spec, System.getenv(), Map.of());
            PrintWriter out = spec.commandLine().getOut();
            try (Admin client = Admin.create(config.clientProperties())) {
                TopicPlan.Result result = new TopicPlan(config).apply(client);
                result.created().forEach(name -> out.println("created  " + name));
                result.existing().forEach(name -> out.println("exists   " + name));
                result.warnings().forEach(warning -> out.println("warning  " + warning));
            }
            out.flush();
            return 0;
        }
    }
}
