package dev.tuneline.cli;

import dev.tuneline.llm.data.DatasetLoader;
import dev.tuneline.llm.data.EncodedSft;
import dev.tuneline.llm.data.InstructionRow;
import dev.tuneline.llm.data.MaskRenderer;
import dev.tuneline.llm.data.PromptTemplate;
import dev.tuneline.llm.data.SftEncoder;
import dev.tuneline.llm.tokenizer.TextTokenizer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tuneline format}: shows a rendered row with the part the model is not trained on marked. */
@Command(name = "format", mixinStandardHelpOptions = true,
        description = "Render a dataset row with a template and mark the masked (not trained on) part")
final class FormatCommand implements Callable<Integer> {
    @Option(names = "--tokenizer", required = true, description = "Tokenizer directory")
    Path tokenizer;
    @Option(names = "--dataset", required = true, description = "CodeAlpaca-style JSON or JSONL file")
    Path dataset;
    @Option(names = "--template", defaultValue = "alpaca", description = "alpaca, question-answer, human-assistant, raw")
    String template;
    @Option(names = "--row", defaultValue = "0", description = "Row number (0-based)")
    int row;
    @Option(names = "--max-seq-length", defaultValue = "512", description = "Truncation length")
    int maxSeqLength;
    @Option(names = "--tokens", description = "One line per token with its label")
    boolean tokens;

    @Override
    public Integer call() throws Exception {
        List<InstructionRow> rows = new DatasetLoader().loadInstructions(dataset);
        if (row < 0 || row >= rows.size()) {
            System.err.println("row " + row + " does not exist: the file has " + rows.size() + " rows");
            return 2;
        }
        try (TextTokenizer tok = TextTokenizer.load(tokenizer)) {
            TextTokenizer t = tok.withEosPaddingIfMissing();
            EncodedSft enc = new SftEncoder(t, PromptTemplate.byName(template), maxSeqLength).encode(rows.get(row));
            MaskRenderer r = new MaskRenderer(t, System.console() != null);
            System.out.println(tokens ? r.renderTokens(enc) : r.render(enc));
        }
        return 0;
    }
}
