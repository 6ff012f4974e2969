package dev.tuneline.llm.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tuneline.llm.tokenizer.SharedTokenizers;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Splits reproduce NumPy's default_rng permutation (vectors made by NumPy 2.4.6) and HF's train_test_split. */
class SplitsTest {

    /** Expected permutations written by make_numpy_permutations.py (beside the JSON) with NumPy itself. */
    @Test
    void permutationEqualsNumpyDefaultRng() throws IOException {
        try (InputStream in = SplitsTest.class.getResourceAsStream("numpy_permutations.json")) {
            JsonNode cases = new ObjectMapper().readTree(in).get("cases");
            assertEquals(8, cases.size());
            for (JsonNode c : cases) {
                int n = c.get("n").asInt();
                long seed = c.get("seed").asLong();
                int[] expected = new ObjectMapper().convertValue(c.get("permutation"), int[].class);
                assertArrayEquals(expected, Splits.permutation(n, seed), "n=" + n + " seed=" + seed);
            }
        }
    }

    @Test
    void codeAlpacaSplitLikeHuggingFace() throws IOException {
        List<InstructionRow> rows = new DatasetLoader().loadInstructions(
                SharedTokenizers.data("sft/code_alpaca_2k.json"));
        Splits.Split<InstructionRow> split = Splits.trainEvalSplit(rows, 0.2, 42);
        assertEquals(404, split.eval().size(), "ceil(0.2 * 2017)");
        assertEquals(1613, split.train().size());
        int[] p = Splits.permutation(2017, 42);
        // HF: test = permutation[:404], train = permutation[404:], each in permutation order
        assertEquals(p[0], split.eval().get(0).row());
        assertEquals(1011, split.eval().get(0).row());
        assertEquals(p[404], split.train().get(0).row());
        Set<Integer> seen = new HashSet<>();
        split.train().forEach(r -> seen.add(r.row()));
        split.eval().forEach(r -> assertTrue(seen.add(r.row()), "row in both splits: " + r.row()));
        assertEquals(2017, seen.size());
        // deterministic
        assertEquals(split, Splits.trainEvalSplit(rows, 0.2, 42));
    }

    @Test
    void filters() {
        List<InstructionRow> rows = List.of(new InstructionRow(0, "a", "", "x"), new InstructionRow(1, "b", "ctx", "y"),
                new InstructionRow(2, "c", "", "z"));
        assertEquals(List.of(0, 2), Splits.onlyEmptyInput(rows).stream().map(InstructionRow::row).toList());
        assertEquals(List.of(1), Splits.filter(rows, Splits.filterByName("with-input")).stream()
                .map(InstructionRow::row).toList());
        assertEquals(3, Splits.filter(rows, Splits.filterByName("all")).size());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Splits.filterByName("nonempty"));
        assertTrue(e.getMessage().contains("all, empty-input, with-input"), e.getMessage());
    }

    @Test
    void badArguments() {
        List<Integer> rows = IntStream.range(0, 10).boxed().toList();
        assertThrows(IllegalArgumentException.class, () -> Splits.trainEvalSplit(rows, 1.0, 42));
        assertThrows(IllegalArgumentException.class, () -> Splits.trainEvalSplit(rows, 0.0, 42));
        assertThrows(IllegalArgumentException.class, () -> Splits.trainEvalSplit(rows, 10, 42));
        assertThrows(IllegalArgumentException.class, () -> Splits.permutation(5, -1));
        assertEquals(3, Splits.trainEvalSplit(rows, 0.25, 1).eval().size(), "ceil(2.5)");
    }
}
