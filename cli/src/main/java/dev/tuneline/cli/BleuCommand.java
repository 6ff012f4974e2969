package dev.tuneline.cli;

import dev.tuneline.llm.metrics.BleuCli;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tuneline bleu -i HYP REF…}: sacreBLEU 2.6.0's CLI, same inputs, same output. */
@Command(name = "bleu", mixinStandardHelpOptions = true,
        description = "Corpus BLEU exactly as sacreBLEU 2.6.0 (files: one segment per line)")
final class BleuCommand implements Callable<Integer> {
    @Option(names = {"-i", "--input"}, required = true, description = "Hypothesis file")
    Path input;
    @Parameters(arity = "1..*", description = "Reference files")
    List<Path> refs;
    @Option(names = {"-tok", "--tokenize"}, defaultValue = "13a", description = "13a, intl, char, none")
    String tokenize;
    @Option(names = {"-s", "--smooth-method"}, defaultValue = "exp", description = "exp, floor, add-k, none")
    String smooth;
    @Option(names = {"-sv", "--smooth-value"}, description = "Smoothing value for floor / add-k")
    Double smoothValue;
    @Option(names = {"-lc", "--lowercase"})
    boolean lowercase;
    @Option(names = {"-f", "--format"}, defaultValue = "json", description = "json (sacreBLEU's default) or text")
    String format;
    @Option(names = {"-b", "--score-only"})
    boolean scoreOnly;
    @Option(names = {"-w", "--width"}, defaultValue = "1")
    int width;
    @Option(names = {"-m", "--metrics"}, split = ",", defaultValue = "bleu", description = "bleu, chrf")
    List<String> metrics;

    @Override
    public Integer call() {
        BleuCli.Options.Builder b = BleuCli.Options.builder().optTokenize(tokenize).optSmoothMethod(smooth)
                .optLowercase(lowercase).optFormat(format).optScoreOnly(scoreOnly).optWidth(width).optMetrics(metrics);
        if (smoothValue != null) {
            b.optSmoothValue(smoothValue);
        }
        try {
            System.out.println(BleuCli.run(input, refs, b.build()));
            return 0;
        } catch (BleuCli.CliException e) {
            System.err.println("sacreBLEU: " + e.getMessage());
            return e.exitCode();
        }
    }
}
