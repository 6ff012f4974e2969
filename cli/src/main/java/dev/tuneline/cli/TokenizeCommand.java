package dev.tuneline.cli;

import dev.tuneline.llm.tokenizer.TextTokenizer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tuneline tokenize}: prints the ids of a text. */
@Command(name = "tokenize", mixinStandardHelpOptions = true, description = "Print the token ids of TEXT")
final class TokenizeCommand implements Callable<Integer> {
    @Option(names = "--tokenizer", required = true, description = "Directory with tokenizer.json or vocab.json + merges.txt")
    Path tokenizer;
    @Option(names = "--no-special", description = "Do not add special tokens (e.g. OPT's leading </s>)")
    boolean noSpecial;
    @Option(names = {"-v", "--verbose"}, description = "Also print each token")
    boolean verbose;
    @Parameters(index = "0", description = "Text to tokenize")
    String text;

    @Override
    public Integer call() throws Exception {
        try (TextTokenizer tok = TextTokenizer.load(tokenizer)) {
            int[] ids = tok.encode(text, !noSpecial);
            System.out.println(Arrays.toString(ids));
            if (verbose) {
                for (int id : ids) {
                    System.out.printf("%8d  %s%n", id, tok.tokenString(id));
                }
            }
        }
        return 0;
    }
}
