package com.shopintent.scoring.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

/**
 * {@code models}: the commands that work on model packages. Each subcommand is a
 * {@code Models<Name>Command} in its own file, listed here in the order {@code --help} shows them.
 */
@Command(name = "models", mixinStandardHelpOptions = true,
        description = "Check, show and import model packages; announce them to the running instances and promote a challenger.",
        subcommands = {
            ModelsVerifyCommand.class,
            ModelsInspectCommand.class,
            ModelsImportCommand.class,
            ModelsPublishCommand.class,
            ModelsPromoteCommand.class,
            ModelsPullCommand.class,
        })
final class ModelsCommand implements Runnable {

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a models subcommand is required");
    }
}
