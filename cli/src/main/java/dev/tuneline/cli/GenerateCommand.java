package dev.tuneline.cli;

import ai.djl.ndarray.NDManager;
import dev.tuneline.llm.data.InstructionRow;
import dev.tuneline.llm.data.PromptTemplate;
import dev.tuneline.llm.generate.Generation;
import dev.tuneline.llm.generate.GenerationConfig;
import dev.tuneline.llm.generate.Generator;
import dev.tuneline.llm.model.CausalLm;
import dev.tuneline.llm.model.Checkpoints;
import dev.tuneline.llm.tokenizer.TextTokenizer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tuneline generate}: text from a local HF-layout model. */
@Command(name = "generate", mixinStandardHelpOptions = true, description = "Generate a completion from a model directory")
final class GenerateCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "Model directory (config.json, model.safetensors, tokenizer)")
    Path model;
    @Option(names = "--template", description = "Wrap PROMPT as an instruction with this template (e.g. alpaca)")
    String template;
    @Option(names = "--max-new-tokens", defaultValue = "64")
    int maxNewTokens;
    @Option(names = "--num-beams", defaultValue = "1")
    int numBeams;
    @Option(names = "--do-sample", description = "Sample instead of greedy/beam search")
    boolean doSample;
    @Option(names = "--temperature", defaultValue = "1.0")
    float temperature;
    @Option(names = "--top-k", defaultValue = "50")
    int topK;
    @Option(names = "--top-p", defaultValue = "1.0")
    float topP;
    @Option(names = "--repetition-penalty", defaultValue = "1.0")
    float repetitionPenalty;
    @Option(names = "--seed", defaultValue = "42")
    long seed;
    @Option(names = "--stop", description = "Stop string (repeatable)")
    List<String> stop;
    @Parameters(index = "0", description = "Prompt")
    String prompt;

    @Override
    public Integer call() throws Exception {
        try (NDManager manager = NDManager.newBaseManager(); TextTokenizer tok = TextTokenizer.load(model)) {
            CausalLm lm = Checkpoints.loadCausalLm(model, manager);
            String text = template == null ? prompt
                    : PromptTemplate.byName(template).renderPrompt(new InstructionRow(0, prompt, "", ""));
            int eos = tok.eosId();
            GenerationConfig.Builder b = GenerationConfig.builder().optMaxNewTokens(maxNewTokens).optNumBeams(numBeams)
                    .optDoSample(doSample).optTemperature(temperature).optTopK(topK).optTopP(topP)
                    .optRepetitionPenalty(repetitionPenalty).optSeed(seed).optEosTokenId(eos)
                    .optPadTokenId(tok.padId().orElse(eos));
            if (stop != null && !stop.isEmpty()) {
                b.optStopStrings(stop, ids -> tok.decode(ids, true));
            }
            Generation g = new Generator(lm, manager).generate(tok.encode(text, true), b.build());
            int[] completion = g.completionTokens(eos);
            System.out.println(tok.decode(completion, true));
            System.err.println("[" + completion.length + " tokens, finish: " + g.finishReason() + "]");
        }
        return 0;
    }
}
