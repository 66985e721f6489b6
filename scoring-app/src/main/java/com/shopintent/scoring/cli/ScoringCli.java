package com.shopintent.scoring.cli;

import com.shopintent.scoring.config.ConfigException;
import com.shopintent.scoring.config.ScoringConfig;
import com.shopintent.scoring.config.ScoringConfig.LogFormat;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code ./scoring} command line: one subcommand per job, {@code --help} on each. */
@Command(name = "scoring", mixinStandardHelpOptions = true, versionProvider = ScoringCli.Version.class,
        description = "Purchase-intent scoring of shop clickstreams with Kafka Streams and XGBoost.",
        subcommands = {DemoCommand.class, RunCommand.class, LoadgenCommand.class, TopicsCommand.class, TrainCommand.class,
            ScoreCsvCommand.class, ReplayCommand.class, ModelsCommand.class, PlanCommand.class, ManifestsCommand.class,
            PartitionsCommand.class, BenchCommand.class, ClassArchiveCommand.class,
            CommandLine.HelpCommand.class})
public final class ScoringCli implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    /** Logback's system property naming its configuration file or class-path resource. */
    static final String LOGBACK_CONFIGURATION_FILE = "logback.configurationFile";

    // No static logger in this class: it would start Logback before main has chosen its configuration.

    public static void main(String[] args) {
        LogFormat format;
        try {
            Map<String, String> logSettings = logSettings(System.getenv(), args);
            format = ScoringConfig.logFormat(logSettings);
            // Logback's configuration reads the level as ${SCORING_LOG_LEVEL}, a system property first.
            System.setProperty(ScoringConfig.LOG_LEVEL.env(), ScoringConfig.logLevel(logSettings));
        } catch (ConfigException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(1);
            return;
        }
        // Logback reads its configuration once, when the first logger is made, and the commands make
        // theirs as soon as the command line is built: so here, first. A configuration file given to the
        // JVM is the operator's choice and wins.
        String given = System.getProperty(LOGBACK_CONFIGURATION_FILE);
        if (given == null) {
            System.setProperty(LOGBACK_CONFIGURATION_FILE, logbackConfiguration(format));
        } else if (format == LogFormat.JSON && !given.equals(logbackConfiguration(format))) {
            LoggerFactory.getLogger(ScoringCli.class).warn("{}=json is not applied: -D{}={} chose the logging configuration",
                    ScoringConfig.LOG_FORMAT.env(), LOGBACK_CONFIGURATION_FILE, given);
        }
        System.exit(commandLine(format).execute(args));
    }

    /** {@link ScoringConfig#LOG_FORMAT} and {@link ScoringConfig#LOG_LEVEL} from the environment and, winning as every flag does, from their flags. */
    static Map<String, String> logSettings(Map<String, String> environment, String[] args) {
        Map<String, String> values = new HashMap<>();
        for (var setting : java.util.List.of(ScoringConfig.LOG_FORMAT, ScoringConfig.LOG_LEVEL)) {
            String variable = environment.get(setting.env());
            if (variable != null) {
                values.put(setting.env(), variable);
            }
            String flag = SettingOptions.flagValue(setting, args);
            if (flag != null) {
                values.put(setting.env(), flag);
            }
        }
        return values;
    }

    /** The class-path resource of Logback's configuration for a log format; both share logback-levels.xml. */
    static String logbackConfiguration(LogFormat format) {
        return switch (format) {
            case TEXT -> "logback.xml";
            case JSON -> "logback-json.xml";
        };
    }

    /** The command line with its error handling, also used by tests. */
    public static CommandLine commandLine() {
        return commandLine(LogFormat.TEXT);
    }

    /** @param format {@code json}: a failed command's error is a log event, so that a log shipper reading JSON lines keeps it */
    static CommandLine commandLine(LogFormat format) {
        CommandLine cli = new CommandLine(new ScoringCli());
        SettingOptions.addTo(cli.getSubcommands().get("run"));
        SettingOptions.addTo(cli.getSubcommands().get("topics").getSubcommands().get("plan"));
        SettingOptions.addTo(cli.getSubcommands().get("topics").getSubcommands().get("apply"));
        SettingOptions.addTo(cli.getSubcommands().get("models").getSubcommands().get("publish"));
        SettingOptions.addTo(cli.getSubcommands().get("models").getSubcommands().get("promote"));
        SettingOptions.addTo(cli.getSubcommands().get("models").getSubcommands().get("pull"));
        SettingOptions.addTo(cli.getSubcommands().get("partitions").getSubcommands().get("scale"));
        SettingOptions.addTo(cli.getSubcommands().get("partitions").getSubcommands().get("cleanup"));
        // A bad argument or input prints one clear line, not a stack trace; --verbose would add it back.
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            String message = e.getMessage() == null ? e.toString() : e.getMessage();
            if (format == LogFormat.JSON) {
                LoggerFactory.getLogger(ScoringCli.class).error("{}", message);
            } else {
                commandLine.getErr().println(commandLine.getColorScheme().errorText("error: " + message));
            }
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
