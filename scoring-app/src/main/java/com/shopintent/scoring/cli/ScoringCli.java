package com.shopintent.scoring.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code ./scoring} command line: one subcommand per job, {@code --help} on each. */
@Command(name = "scoring", mixinStandardHelpOptions = true, versionProvider = ScoringCli.Version.class,
        description = "Purchase-intent scoring of shop clickstreams with Kafka Streams and XGBoost.",
        subcommands = {DemoCommand.class, RunCommand.class, LoadgenCommand.class, TopicsCommand.class, TrainCommand.class, ScoreCsvCommand.class, ReplayCommand.class, ModelsCommand.class,
            CommandLine.HelpCommand.class})
public final class ScoringCli implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with its error handling, also used by tests. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new ScoringCli());
        SettingOptions.addTo(cli.getSubcommands().get("run"));
        SettingOptions.addTo(cli.getSubcommands().get("topics").getSubcommands().get("plan"));
        SettingOptions.addTo(cli.getSubcommands().get("topics").getSubcommands().get("apply"));
        SettingOptions.addTo(cli.getSubcommands().get("models").getSubcommands().get("publish"));
        SettingOptions.addTo(cli.getSubcommands().get("models").getSubcommands().get("promote"));
        // A bad argument or input prints one clear line, not a stack trace; --verbose would add it back.
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            String message = e.getMessage() == null ? e.toString() : e.getMessage();
            commandLine.getErr().println(commandLine.getColorScheme().errorText("error: " + message));
            return 1;
        });
        return cli;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    /** Version from the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = ScoringCli.class.getPackage().getImplementationVersion();
            return new String[] {"scoring " + (version == null ? "development build" : version)};
        }
    }
}
