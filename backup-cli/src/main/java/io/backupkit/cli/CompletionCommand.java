package io.backupkit.cli;

import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code backupkit completion bash|zsh}: the shell completion script picocli generates from the commands. */
@Command(name = "completion", mixinStandardHelpOptions = true,
        description = {"Prints the shell completion script for bash or zsh (commands, options, option values).",
                "The distribution archive ships it as completion/backupkit.bash and completion/backupkit.zsh."},
        footerHeading = "%nExamples:%n",
        footer = {"  source <(backupkit completion bash)                 # in ~/.bashrc",
                "  backupkit completion zsh > ~/.backupkit-completion.zsh  # then 'source' it in ~/.zshrc"})
final class CompletionCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SHELL", defaultValue = "bash", description = "bash (default) or zsh.")
    String shell;

    @Override
    public Integer call() {
        String s = shell.toLowerCase(Locale.ROOT);
        if (!s.equals("bash") && !s.equals("zsh")) {
            throw CliException.usage("no completion for the shell '" + shell + "': use bash or zsh");
        }
        String script = AutoComplete.bash("backupkit", spec.root().commandLine());
        if (s.equals("zsh")) {
            // picocli's script serves zsh through bashcompinit, which it loads itself when run by zsh.
            script = "# backupkit completion for zsh: source this file from ~/.zshrc\n" + script;
        }
        spec.commandLine().getOut().print(script);
        spec.commandLine().getOut().flush();
        return ExitCode.OK;
    }
}
