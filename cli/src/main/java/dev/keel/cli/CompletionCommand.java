package dev.keel.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code keel completion bash|zsh}: a shell completion script for every command and option. */
@Command(
        name = "completion",
        mixinStandardHelpOptions = true,
        description = {
            "Print a shell completion script for keel's commands and options.",
            "  bash: source <(bin/keel completion bash)",
            "        or save it as /etc/bash_completion.d/keel",
            "  zsh:  source <(bin/keel completion zsh)   (it loads bashcompinit first)"
        })
final class CompletionCommand extends CliCommand implements Callable<Integer> {

    /** The shells a script can be printed for. */
    enum Shell {
        bash,
        zsh
    }

    @Parameters(paramLabel = "SHELL", description = "bash or zsh.")
    Shell shell;

    @Override
    public Integer call() {
        String script = AutoComplete.bash("keel", spec.root().commandLine());
        var out = out();
        if (shell == Shell.zsh) {
            out.println("autoload -U +X compinit && compinit");
            out.println("autoload -U +X bashcompinit && bashcompinit");
        }
        out.print(script);
        out.flush();
        return ExitCodes.OK;
    }
}
