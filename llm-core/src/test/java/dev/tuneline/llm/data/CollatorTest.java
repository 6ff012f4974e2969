package dev.tuneline.llm.data;

import static dev.tuneline.llm.data.SftEncoder.IGNORE_INDEX;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tuneline.llm.tokenizer.SharedTokenizers;
import dev.tuneline.llm.tokenizer.TextTokenizer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Padding by position (pad = eos keeps the real EOS), packing, and pair collation. */
class CollatorTest {

    @Test
    void padEqualsEosKeepsTheRealEosInLabels() {
        TextTokenizer gpt2 = SharedTokenizers.gpt2Files().withPadToken(50256);
        SftEncoder encoder = new SftEncoder(gpt2, PromptTemplate.alpaca(), 128);
        EncodedSft shortRow = encoder.encode(new InstructionRow(0, "Say hi", "", "Hi!"));
        EncodedSft longRow = encoder.encode(new InstructionRow(1, "Say hello politely", "", "Hello there, friend."));
        SftBatch batch = Collator.forTokenizer(gpt2).collate(List.of(shortRow, longRow));
        assertEquals(2, batch.batchSize());
        assertEquals(longRow.length(), batch.seqLength());
        int eosAt = shortRow.length() - 1;
        // the real EOS: id 50256, label 50256, attended
        assertEquals(50256, batch.inputIds()[0][eosAt]);
        assertEquals(50256, batch.labels()[0][eosAt]);
        assertEquals(1, batch.attentionMask()[0][eosAt]);
        // padding: the same id 50256, but label -100 and mask 0
        for (int j = shortRow.length(); j < batch.seqLength(); j++) {
            assertEquals(50256, batch.inputIds()[0][j]);
            assertEquals(IGNORE_INDEX, batch.labels()[0][j]);
            assertEquals(0, batch.attentionMask()[0][j]);
            assertEquals(0, batch.positionIds()[0][j]);
        }
        assertArrayEquals(longRow.labels(), batch.labels()[1]);
        assertEquals(longRow.length() - 1, batch.positionIds()[1][longRow.length() - 1]);
        int trained = 0;
        for (int[] row : batch.labels()) {
            for (int label : row) {
                trained += label == IGNORE_INDEX ? 0 : 1;
            }
        }
        assertEquals(shortRow.trainedTokens() + longRow.trainedTokens(), trained);
    }

    @Test
    void gpt2WithoutPadTokenIsAClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Collator.forTokenizer(SharedTokenizers.gpt2Files()));
        assertTrue(e.getMessage().contains("has no pad token"), e.getMessage());
        assertEquals(1, Collator.forTokenizer(SharedTokenizers.opt()).padId());
    }

    @Test
    void padToMultipleOf() {
        EncodedSft a = new EncodedSft(0, new int[] {5, 6, 7}, new int[] {IGNORE_INDEX, 6, 7}, 1, false, false);
        SftBatch batch = new Collator(1, 8).collate(List.of(a));
        assertEquals(8, batch.seqLength());
        assertArrayEquals(new int[] {5, 6, 7, 1, 1, 1, 1, 1}, batch.inputIds()[0]);
        assertArrayEquals(new int[] {1, 1, 1, 0, 0, 0, 0, 0}, batch.attentionMask()[0]);
    }

    @Test
    void packingKeepsEachExamplesMaskingAndRestartsPositions() {
        SftEncoder encoder = new SftEncoder(SharedTokenizers.opt(), PromptTemplate.alpaca(), 40);
        List<EncodedSft> rows = List.of(
                encoder.encode(new InstructionRow(0, "Say hi", "", "Hi!")),          // 16 tokens
                encoder.encode(new InstructionRow(1, "Say yo", "", "Yo!")),          // 16 tokens
                encoder.encode(new InstructionRow(2, "Count to three", "", "1 2 3"))); // > 8 tokens, next pack
        List<PackedSft> packs = Packer.pack(rows, 40);
        assertEquals(2, packs.size());
        PackedSft first = packs.get(0);
        assertArrayEquals(new int[] {0, 1}, first.rows());
        assertEquals(rows.get(0).length() + rows.get(1).length(), first.length());
        assertEquals(rows.get(0).trainedTokens() + rows.get(1).trainedTokens(), first.trainedTokens());
        int second = rows.get(0).length();
        assertEquals(0, first.positionIds()[second]);
        assertEquals(1, first.segmentIds()[second]);
        assertEquals(2, first.inputIds()[second], "the second example starts with its BOS");
        assertEquals(IGNORE_INDEX, first.labels()[second], "no loss from one example into the next");
        SftBatch batch = new Collator(1).collate(packs);
        assertArrayEquals(first.positionIds(), batch.positionIds()[0]);
        assertThrows(IllegalArgumentException.class, () -> Packer.pack(rows, 10));
    }

    @Test
    void pairCollationSharesT() {
        EncodedPair p1 = new EncodedPair(3, new int[] {2, 10, 11, 2}, new int[] {2, 10, 2}, 0.5f);
        EncodedPair p2 = new EncodedPair(4, new int[] {2, 12, 2}, new int[] {2, 12, 13, 14, 2}, null);
        PairBatch batch = new Collator(1).collatePairs(List.of(p1, p2));
        assertEquals(5, batch.seqLength());
        assertArrayEquals(new int[] {2, 10, 11, 2, 1}, batch.chosenIds()[0]);
        assertArrayEquals(new int[] {1, 1, 1, 0, 0}, batch.rejectedMask()[0]);
        assertArrayEquals(new int[] {3, 2}, batch.chosenLastIndex());
        assertArrayEquals(new int[] {2, 4}, batch.rejectedLastIndex());
        assertArrayEquals(new float[] {0.5f, 0f}, batch.margins());
        assertArrayEquals(new int[] {3, 4}, batch.rows());
        assertNull(new Collator(1).collatePairs(List.of(p2)).margins());
    }
}
