package dev.tuneline.llm.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Resolves a base-model name to local files, never leaving its roots and never touching a model hub.
 *
 * <p>Order: built-in presets ({@code tiny-gpt2}, {@code tiny-opt}: random init with the bundled GPT-2 / OPT
 * tokenizers); then a directory under the model root; then one under {@code <data root>/models}. A directory
 * without its own tokenizer files uses the bundled tokenizer of its {@code model_type}.
 */
public final class BaseModelResolver {
    /** Built-in preset names. */
    public static final List<String> PRESETS = List.of("tiny-gpt2", "tiny-opt");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)*");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dataRoot;
    private final Path modelRoot;

    /** A resolver over the data root (bundled tokenizers and models) and the model root (user models). */
    public BaseModelResolver(Path dataRoot, Path modelRoot) {
        this.dataRoot = dataRoot.toAbsolutePath().normalize();
        this.modelRoot = modelRoot.toAbsolutePath().normalize();
    }

    /** Resolves {@code name}; throws {@link IllegalArgumentException} with a clear message if it cannot. */
    public BaseModelRef resolve(String name) {
        if (name == null || !NAME.matcher(name).matches() || name.contains("..")) {
            throw new IllegalArgumentException("base model name '" + name
                    + "' is not valid: use a preset " + PRESETS + " or a directory name under the model root");
        }
        switch (name) {
            case "tiny-gpt2":
                return new BaseModelRef(name, tokenizerFor("gpt2"), null, name, false);
            case "tiny-opt":
                return new BaseModelRef(name, tokenizerFor("opt"), null, name, false);
            default:
                break;
        }
        for (Path root : List.of(modelRoot, dataRoot.resolve("models"))) {
            Path dir = within(root, name);
            if (Files.isRegularFile(dir.resolve("config.json"))) {
                Path tok = hasTokenizer(dir) ? dir : tokenizerFor(modelType(dir));
                boolean weights = Files.exists(dir.resolve("model.safetensors"))
                        || Files.exists(dir.resolve("model.safetensors.index.json"));
                return new BaseModelRef(name, tok, dir, null, weights);
            }
        }
        throw new IllegalArgumentException("base model '" + name + "' not found: not a preset " + PRESETS
                + " and no config.json under " + modelRoot + " or " + dataRoot.resolve("models"));
    }

    /** {@code root/name}, refusing any path that leaves {@code root}. */
    public static Path within(Path root, String name) {
        Path r = root.toAbsolutePath().normalize();
        Path p = r.resolve(name).normalize();
        if (!p.startsWith(r)) {
            throw new IllegalArgumentException("path '" + name + "' leaves its root " + r);
        }
        return p;
    }

    private static boolean hasTokenizer(Path dir) {
        return Files.exists(dir.resolve("tokenizer.json"))
                || (Files.exists(dir.resolve("vocab.json")) && Files.exists(dir.resolve("merges.txt")));
    }

    private Path tokenizerFor(String modelType) {
        Path dir = switch (modelType) {
            case "opt" -> dataRoot.resolve("tokenizers/opt");
            case "gpt2" -> dataRoot.resolve("tokenizers/gpt2-hf");
            default -> throw new IllegalArgumentException("no bundled tokenizer for model_type '" + modelType
                    + "': put tokenizer files next to config.json");
        };
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("bundled tokenizer missing: " + dir);
        }
        return dir;
    }

    private static String modelType(Path dir) {
        try {
            JsonNode cfg = JSON.readTree(dir.resolve("config.json").toFile());
            return cfg.path("model_type").asText("");
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + dir.resolve("config.json") + ": " + e.getMessage(), e);
        }
    }
}
