package dev.tuneline.cli;

import dev.tuneline.llm.score.RewardScorer;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tuneline score}: the reward of a response, scored exactly as in training and evaluation. */
@Command(name = "score", mixinStandardHelpOptions = true, description = "Score a response with a reward model")
final class ScoreCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "Reward model directory")
    Path model;
    @Option(names = "--prompt", required = true)
    String prompt;
    @Option(names = "--response", required = true)
    String response;
    @Option(names = "--template", defaultValue = "human-assistant",
            description = "Template when the model has no tuneline.json (default human-assistant)")
    String template;

    @Override
    public Integer call() throws Exception {
        try (RewardScorer s = RewardScorer.load(model, template)) {
            System.out.println(String.format(Locale.ROOT, "%.6f", s.score(prompt, response)));
        }
        return 0;
    }
}
