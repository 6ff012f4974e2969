package dev.tuneline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class TunelineCliTest {
    private static final Path DATA = Path.of(System.getProperty("tuneline.shared.dir", "../../shared"), "data");

    @TempDir
    Path dir;

    private static String run(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            int code = new CommandLine(new Tuneline()).execute(args);
            assertEquals(0, code, "exit code of " + String.join(" ", args));
        } finally {
            System.setOut(old);
        }
        return buf.toString(StandardCharsets.UTF_8).strip();
    }

    @Test
    void trainRewardTrainsOnHhPairsReportsHeldOutAccuracyAndSavesAScorableModel() throws Exception {
        Path cfg = dir.resolve("reward.yaml");
        Files.writeString(cfg, String.join("\n",
                "model: tiny-gpt2",
                "hiddenSize: 32",
                "layers: 1",
                "dataset: " + DATA.resolve("preference/hh_helpful_pairs.jsonl"),
                "maxRows: 60",
                "training:",
                "  max_steps: 6",
                "  per_device_train_batch_size: 4",
                "  learning_rate: 0.001",
                "  max_seq_length: 64",
                "  output_dir: " + dir.resolve("run"),
                ""));
        System.setProperty("tuneline.data-root", DATA.toString());   // where the bundled tokenizers are
        String out = run("train", "reward", "--config", cfg.toString());
        assertTrue(out.startsWith("trained 6 steps"), out);
        assertTrue(out.contains("eval_accuracy "), "held-out accuracy is printed: " + out);
        Path model = dir.resolve("run/final");
        for (String f : new String[] {"config.json", "model.safetensors", "tokenizer.json", "tuneline.json"}) {
            assertTrue(Files.exists(model.resolve(f)), f);
        }
        String score = run("score", "--model", model.toString(), "--prompt", "\n\nHuman: Hi\n\nAssistant:",
                "--response", " Hello! How can I help?");
        assertTrue(score.matches("(?s).*-?\\d+\\.\\d+.*"), "a reward is printed: " + score);
    }

    @Test
    void tokenizePrintsTheKnownIds() {
        assertEquals("[15496, 11, 616, 3290, 318, 13779]",
                run("tokenize", "--tokenizer", DATA.resolve("tokenizers/gpt2-hf").toString(), "Hello, my dog is cute"));
        assertEquals("[2, 31414, 6, 127, 2335, 16, 11962]",
                run("tokenize", "--tokenizer", DATA.resolve("tokenizers/opt").toString(), "Hello, my dog is cute"));
    }

    @Test
    void bleuPrintsSacreBleusTextLine() throws Exception {
        Path hyp = Files.writeString(dir.resolve("hyp.txt"), "the cat sat on the mat\n");
        Path ref = Files.writeString(dir.resolve("ref.txt"), "the cat sat on the mat\n");
        String out = run("bleu", "-i", hyp.toString(), ref.toString(), "-f", "text");
        assertTrue(out.startsWith("BLEU|nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0 = 100.0"), out);
    }

    @Test
    void formatMarksThePromptAsMasked() {
        String out = run("format", "--tokenizer", DATA.resolve("tokenizers/gpt2-hf").toString(),
                "--dataset", DATA.resolve("sft/code_alpaca_2k.json").toString(), "--row", "0");
        assertTrue(out.contains("### Instruction:"), out);
        assertTrue(out.contains("⟦"), "masked part is marked: " + out);
    }
}
