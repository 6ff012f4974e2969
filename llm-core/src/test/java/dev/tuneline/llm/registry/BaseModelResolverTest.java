package dev.tuneline.llm.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BaseModelResolverTest {
    private static final Path DATA = Path.of(System.getProperty("tuneline.shared.dir", "../../shared"), "data");

    @TempDir
    Path models;

    @Test
    void presetsAndBundledDirectoriesResolve() {
        BaseModelResolver r = new BaseModelResolver(DATA, models);
        assertEquals(DATA.resolve("tokenizers/gpt2-hf").toAbsolutePath().normalize(), r.resolve("tiny-gpt2").tokenizerDir());
        BaseModelRef tiny = r.resolve("tiny-gpt2-random");
        assertTrue(tiny.hasWeights());
        assertEquals(tiny.modelDir(), tiny.tokenizerDir());
        BaseModelRef opt = r.resolve("opt-350m");
        assertFalse(opt.hasWeights(), "opt-350m ships config only");
        assertEquals(DATA.resolve("tokenizers/opt").toAbsolutePath().normalize(), opt.tokenizerDir());
    }

    @Test
    void traversalAndUnknownNamesAreRefused() {
        BaseModelResolver r = new BaseModelResolver(DATA, models);
        assertThrows(IllegalArgumentException.class, () -> r.resolve("../etc"));
        assertThrows(IllegalArgumentException.class, () -> r.resolve("a/../../b"));
        assertThrows(IllegalArgumentException.class, () -> r.resolve("/etc/passwd"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> r.resolve("nope"));
        assertTrue(e.getMessage().contains("not found"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> BaseModelResolver.within(models, "x/../../y"));
    }
}
