package dev.tuneline.llm.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How {@code tuneline bleu} reads files (line endings, gzip, tab-separated references) and fails. */
class BleuCliTest {

    @TempDir
    Path dir;

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
    }

    private static BleuCli.Options text() {
        return BleuCli.Options.builder().optFormat(BleuCli.Format.TEXT).optWidth(2).build();
    }

    @Test
    void scoresTheDogExampleLikeTheApi() throws IOException {
        Path hyp = write("hyp.txt", String.join("\n", SacreBleuTest.SYS) + "\n");
        Path r1 = write("r1.txt", String.join("\n", SacreBleuTest.REFS.get(0)) + "\n");
        Path r2 = write("r2.txt", String.join("\n", SacreBleuTest.REFS.get(1)) + "\n");
        BleuScore api = SacreBleu.defaults().corpusScore(SacreBleuTest.SYS, SacreBleuTest.REFS);
        assertEquals(api.formatWithSignature(2, false), BleuCli.run(hyp, List.of(r1, r2), text()));
        assertEquals("BLEU|nrefs:2|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0 = 48.53 "
                + "82.4/50.0/45.5/37.5 (BP = 0.943 ratio = 0.944 hyp_len = 17 ref_len = 18)", BleuCli.run(hyp, List.of(r1, r2), text()));
        // default: sacreBLEU's JSON with width 1
        String json = BleuCli.run(hyp, List.of(r1, r2));
        assertTrue(json.startsWith("{\n \"name\": \"BLEU\",\n \"score\": 48.5,\n"), json);
    }

    @Test
    void tabSeparatedReferencesEqualSeparateFiles() throws IOException {
        Path hyp = write("hyp.txt", String.join("\n", SacreBleuTest.SYS));
        StringBuilder tsv = new StringBuilder();
        for (int i = 0; i < 3; i++) {
            tsv.append(SacreBleuTest.REFS.get(0).get(i)).append('\t').append(SacreBleuTest.REFS.get(1).get(i)).append('\n');
        }
        Path refs = write("refs.tsv", tsv.toString());
        Path r1 = write("r1.txt", String.join("\n", SacreBleuTest.REFS.get(0)));
        Path r2 = write("r2.txt", String.join("\n", SacreBleuTest.REFS.get(1)));
        BleuCli.Options nr2 = BleuCli.Options.builder().optFormat("text").optNumRefs(2).build();
        assertEquals(BleuCli.run(hyp, List.of(r1, r2), text()).replace("48.53", "48.5"),
                BleuCli.run(hyp, List.of(refs), nr2));
        Path bad = write("bad.tsv", "one\ttwo\nonly one\nthree\tfour\n");
        BleuCli.CliException e = assertThrows(BleuCli.CliException.class, () -> BleuCli.run(hyp, List.of(bad), nr2));
        assertEquals(17, e.exitCode());
        assertTrue(e.getMessage().startsWith("FATAL: line 2: expected 2 fields, but found 1."), e.getMessage());
    }

    @Test
    void linesEndOnlyAtNewlineAndAreRightStripped() throws IOException {
        Path f = write("crlf.txt", "a b\r\nc\u2028d  \n\ne");
        assertEquals(List.of("a b\r", "c\u2028d  ", "", "e"), BleuCli.readLines(f, StandardCharsets.UTF_8));
        Path hyp = write("hyp.txt", "the cat sat on the mat\r\nhello big wide world \u00a0\n");
        Path ref = write("ref.txt", "the cat sat on the mat\nhello big wide world\n");
        String line = BleuCli.run(hyp, List.of(ref), text());
        assertTrue(line.contains(" = 100.00 "), line);
    }

    @Test
    void readsGzipFiles() throws IOException {
        Path gz = dir.resolve("ref.txt.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write("the cat sat on the mat\n".getBytes(StandardCharsets.UTF_8));
        }
        Path hyp = write("hyp.txt", "the cat sat on the mat\n");
        assertTrue(BleuCli.run(hyp, List.of(gz), text()).contains(" = 100.00 "));
    }

    @Test
    void failuresCarrySacreBleuExitCodes() throws IOException {
        Path hyp = write("hyp.txt", "a\nb\n");
        Path ref = write("ref.txt", "a\n");
        BleuCli.CliException e = assertThrows(BleuCli.CliException.class, () -> BleuCli.run(hyp, List.of(ref)));
        assertEquals(1, e.exitCode());
        assertTrue(e.getMessage().contains("different lengths"), e.getMessage());
        Path latin1 = dir.resolve("latin1.txt");
        Files.write(latin1, new byte[] {'c', 'a', 'f', (byte) 0xE9, '\n'});
        e = assertThrows(BleuCli.CliException.class, () -> BleuCli.run(latin1, List.of(ref)));
        assertTrue(e.getMessage().contains("latin1.txt") && e.getMessage().contains("UTF-8"), e.getMessage());
        Path empty = write("empty.txt", "");
        e = assertThrows(BleuCli.CliException.class, () -> BleuCli.run(empty, List.of(empty)));
        assertTrue(e.getMessage().contains("no sentence"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> BleuCli.Options.builder().optMetrics(List.of("ter")));
    }
}
