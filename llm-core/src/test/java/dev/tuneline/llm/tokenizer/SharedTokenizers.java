package dev.tuneline.llm.tokenizer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Test access to /work/shared/data (via the {@code tuneline.shared.dir} property) and tokenizers loaded once. */
public final class SharedTokenizers {

    private static final Map<String, TextTokenizer> CACHE = new ConcurrentHashMap<>();

    private SharedTokenizers() {
    }

    /** A path under the shared data directory; fails clearly when the property or the file is missing. */
    public static Path data(String relative) {
        String dir = System.getProperty("tuneline.shared.dir");
        if (dir == null) {
            throw new IllegalStateException("system property tuneline.shared.dir is not set (surefire sets it)");
        }
        Path p = Path.of(dir, "data", relative);
        if (!Files.exists(p)) {
            throw new IllegalStateException("missing shared data file " + p);
        }
        return p;
    }

    /** GPT-2 from the HuggingFace tokenizer.json (+ configs). */
    public static TextTokenizer gpt2Hf() {
        return cached("tokenizers/gpt2-hf");
    }

    /** GPT-2 from the plain vocab.json + merges.txt. */
    public static TextTokenizer gpt2Files() {
        return cached("tokenizers/gpt2");
    }

    /** OPT from its vocab.json (fairseq ids) + merges.txt, no configs. */
    public static TextTokenizer opt() {
        return cached("tokenizers/opt");
    }

    private static TextTokenizer cached(String relative) {
        return CACHE.computeIfAbsent(relative, r -> {
            try {
                return TextTokenizer.load(data(r));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
