package dev.tuneline.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code tuneline} command line. */
@Command(name = "tuneline", mixinStandardHelpOptions = true, version = "tuneline 0.1.0",
        description = "Instruction-tuning and reward modelling on the JVM. `./tuneline demo` and `./tuneline stack` are "
                + "handled by the wrapper script; these commands work on local files.",
        subcommands = {TokenizeCommand.class, FormatCommand.class, GenerateCommand.class, ScoreCommand.class,
                BleuCommand.class, TrainCommand.class})
public final class Tuneline {
    /** Entry point. */
    public static void main(String[] args) {
        System.setProperty("ai.djl.offline", "true");
        System.exit(new CommandLine(new Tuneline()).execute(args));
    }
}
