package io.courier.cli;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code courier completion}: the bash (and zsh) completion script of every command and option. */
@Command(name = "completion", mixinStandardHelpOptions = true,
        description = "Prints a bash completion script for courier (zsh reads it too, after 'autoload -U bashcompinit; bashcompinit').",
        footerHeading = "%nExamples:%n",
        footer = {"  source <(./courier completion)", "  ./courier completion > /etc/bash_completion.d/courier"})
final class CompletionCommand implements Runnable {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().getOut().print(AutoComplete.bash("courier", spec.parent().commandLine()));
        spec.commandLine().getOut().flush();
    }
}
