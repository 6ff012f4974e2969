package dev.tuneline.llm.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tuneline.llm.tokenizer.SharedTokenizers;
import org.junit.jupiter.api.Test;

/** The rendering `tuneline format` shows: masked text in brackets, EOS visible in the trained part. */
class MaskRendererTest {

    @Test
    void marksTheMaskedPrompt() {
        SftEncoder encoder = new SftEncoder(SharedTokenizers.opt(), PromptTemplate.alpaca(), 64);
        EncodedSft e = encoder.encode(new InstructionRow(9, "Say hi", "", "Hi!"));
        String text = new MaskRenderer(SharedTokenizers.opt(), false).render(e);
        assertEquals("16 tokens: 3 trained, 13 masked (inside ⟦⟧), row 9\n"
                + "⟦</s>### Instruction:\nSay hi\n\n### Response:\n⟧Hi!</s>", text);
        String ansi = new MaskRenderer(SharedTokenizers.opt(), true).render(e);
        assertTrue(ansi.contains("\u001b[2m</s>### Instruction:") && ansi.contains("\u001b[32mHi!</s>\u001b[0m"),
                ansi);
    }

    @Test
    void tokenTableShowsLabels() {
        SftEncoder encoder = new SftEncoder(SharedTokenizers.gpt2Files(), PromptTemplate.alpaca(), 64);
        String table = new MaskRenderer(SharedTokenizers.gpt2Files(), false)
                .renderTokens(encoder.encode(new InstructionRow(0, "Say hi", "", "Hi!")));
        String[] lines = table.split("\n");
        assertEquals(16, lines.length, table);
        assertTrue(lines[4].matches("\\s+3\\s+198\\s+'\\\\n'\\s+-100 masked"), lines[4]);
        assertTrue(lines[15].matches("\\s+14\\s+50256\\s+'<\\|endoftext\\|>'\\s+50256"), lines[15]);
    }
}
