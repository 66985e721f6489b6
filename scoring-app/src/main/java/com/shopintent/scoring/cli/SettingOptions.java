package com.shopintent.scoring.cli;

import com.shopintent.scoring.config.ScoringConfig;
import com.shopintent.scoring.config.Setting;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Gives a command one flag per setting ({@code SCORING_SESSION_TIMEOUT} is
 * {@code --session-timeout}), so the same setting is an environment variable in a pod and a flag
 * on a laptop; a flag wins over the variable.
 */
final class SettingOptions {

    private SettingOptions() {
    }

    static void addTo(CommandLine command) {
        CommandSpec spec = command.getCommandSpec();
        for (Setting<?> setting : ScoringConfig.SETTINGS) {
            spec.addOption(OptionSpec.builder(setting.flag())
                    .paramLabel("<value>")
                    .type(String.class)
                    .description(setting.env() + ": " + setting.allowed()
                            + (setting.defaultValue() == null ? "" : " (default: " + setting.defaultValue() + ")"))
                    .build());
        }
    }

    /**
     * The value of this setting's flag in raw arguments ({@code --log-format json} or
     * {@code --log-format=json}), or null: for the one setting needed before the command line is
     * parsed. Arguments after {@code --} are not options.
     */
    static String flagValue(Setting<?> setting, String[] args) {
        String value = null;
        for (int i = 0; i < args.length && !args[i].equals("--"); i++) {
            if (args[i].equals(setting.flag()) && i + 1 < args.length) {
                value = args[++i];
            } else if (args[i].startsWith(setting.flag() + "=")) {
                value = args[i].substring(setting.flag().length() + 1);
            }
        }
        return value;
    }

    /** The configuration from the environment with this command's flags on top, validated. */
    static ScoringConfig config(CommandSpec spec, Map<String, String> environment, Map<String, String> defaults) {
        Map<String, String> values = new LinkedHashMap<>(defaults);
        values.putAll(environment);
        for (Setting<?> setting : ScoringConfig.SETTINGS) {
            OptionSpec option = spec.findOption(setting.flag());
            if (option != null && option.getValue() != null) {
                values.put(setting.env(), option.getValue());
            }
        }
        return ScoringConfig.from(values);
    }
}
