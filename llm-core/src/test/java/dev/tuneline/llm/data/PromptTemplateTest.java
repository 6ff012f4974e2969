package dev.tuneline.llm.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Rendered prompt and training text of each template, character for character. */
class PromptTemplateTest {

    static final InstructionRow NO_INPUT = new InstructionRow(0, "Say hi", "", "Hi!");
    static final InstructionRow WITH_INPUT = new InstructionRow(1, "Add the numbers", "2, 3", "5");

    @Test
    void alpacaIsTheReferenceLabFormat() {
        PromptTemplate t = PromptTemplate.byName("alpaca");
        assertEquals("### Instruction:\nSay hi\n\n### Response:\nHi!</s>", t.renderFull(NO_INPUT, "</s>"));
        assertEquals("### Instruction:\nSay hi\n\n### Response:\n", t.renderPrompt(NO_INPUT));
        assertEquals("### Instruction:\nAdd the numbers\n\n### Input:\n2, 3\n\n### Response:\n5<|endoftext|>",
                t.renderFull(WITH_INPUT, "<|endoftext|>"));
    }

    @Test
    void questionAnswerIsTrlsCodeAlpacaExample() {
        PromptTemplate t = PromptTemplate.byName("question-answer");
        assertEquals("### Question: Say hi\n ### Answer: Hi!</s>", t.renderFull(NO_INPUT, "</s>"));
        assertEquals("### Question: Say hi\n ### Answer:", t.renderPrompt(NO_INPUT));
        assertEquals("### Question: Add the numbers\n2, 3\n ### Answer: 5", t.renderFull(WITH_INPUT, ""));
    }

    @Test
    void humanAssistant() {
        PromptTemplate t = PromptTemplate.byName("human-assistant");
        assertEquals("\n\nHuman: Say hi\n\nAssistant: Hi!<|endoftext|>", t.renderFull(NO_INPUT, "<|endoftext|>"));
        assertEquals("\n\nHuman: Say hi\n\nAssistant:", t.renderPrompt(NO_INPUT));
        InstructionRow rendered = new InstructionRow(7, "\n\nHuman: hello\n\nAssistant:", "", " hi");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.renderPrompt(rendered));
        assertTrue(e.getMessage().contains("row 7") && e.getMessage().contains("'raw'"), e.getMessage());
        assertEquals("\n\nHuman: hello\n\nAssistant: hi</s>", PromptTemplate.raw().renderFull(rendered, "</s>"));
    }

    @Test
    void placeholdersInDataAreNeverInterpreted() {
        InstructionRow tricky = new InstructionRow(2, "Print {output} and {input}", "{instruction}", "{}{x}");
        assertEquals("### Instruction:\nPrint {output} and {input}\n\n### Input:\n{instruction}\n\n### Response:\n"
                + "{}{x}</s>", PromptTemplate.alpaca().renderFull(tricky, "</s>"));
    }

    @Test
    void customTemplates() {
        PromptTemplate t = PromptTemplate.custom("<|user|>\n{instruction}\n{input}\n<|assistant|>\n{output}");
        assertEquals("<|user|>\nSay hi\n\n<|assistant|>\nHi!</s>", t.renderFull(NO_INPUT, "</s>"));
        assertEquals("<|user|>\nSay hi\n\n<|assistant|>\n", t.renderPrompt(NO_INPUT));
        // a single trailing space of the marker moves into the response (BPE joins it to the first answer token)
        PromptTemplate spaced = PromptTemplate.custom("Q: {prompt}\nA: {response}");
        assertEquals("Q: Say hi\nA:", spaced.renderPrompt(NO_INPUT));
        assertEquals("Q: Say hi\nA: Hi!", spaced.renderFull(NO_INPUT, ""));
        assertEquals("custom", spaced.name());
    }

    @Test
    void customTemplateErrorsNameTheProblem() {
        assertInvalid("{instruction}{output}", "no literal marker");
        assertInvalid("### Response:\n{output}", "no {instruction}");
        assertInvalid("{instruction}\n### Response:\n", "no {output}");
        assertInvalid("{instruction}\n### Response:\n{output}</s>", "text after the response placeholder");
        assertInvalid("{instruction}\n{context}\n### Response:\n{output}", "unknown placeholder {context}");
        assertInvalid("{instruction}\nA: {output}\nB: {response}", "more than one");
    }

    @Test
    void byNameListsKnownTemplates() {
        assertEquals("alpaca", PromptTemplate.byName(" Alpaca ").name());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PromptTemplate.byName("chatml"));
        assertTrue(e.getMessage().contains("alpaca, question-answer, human-assistant, raw"), e.getMessage());
    }

    private static void assertInvalid(String template, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PromptTemplate.custom(template));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
