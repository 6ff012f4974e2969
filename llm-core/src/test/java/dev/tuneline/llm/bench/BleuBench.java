package dev.tuneline.llm.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tuneline.llm.metrics.BleuScore;
import dev.tuneline.llm.metrics.BleuTokenizer;
import dev.tuneline.llm.metrics.HfBleu;
import dev.tuneline.llm.metrics.SacreBleu;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Corpus-BLEU throughput on 10,000 sentence pairs, against nltk's {@code corpus_bleu} (Debian's python3-nltk,
 * run with /usr/bin/python3) on the same pairs in the same run.
 *
 * <p>Pairs: the first 10,000 lines with at least four words of the {@code output} fields of
 * shared/data/sft/*.json (whitespace collapsed) are the references; each hypothesis is a perturbed copy
 * (SplittableRandom seed 20261130: 8 % of words dropped, 8 % replaced by a word of the pool, 5 % swapped with
 * the next). nltk does not tokenize, so it gets the 13a tokens; Tuneline is timed end to end (13a + scoring)
 * and on the same pre-tokenized text ({@code tok none}). Rounds alternate Java and Python to share machine load.
 * With env {@code SACREBLEU_PYTHON} pointing at a Python that has sacrebleu 2.6.0 the real sacreBLEU is timed
 * and compared too. Args: [pairs (10000)] [rounds (3)].
 */
public final class BleuBench {

    private BleuBench() {
    }

    /** Runs the benchmark and prints the table. */
    public static void main(String[] args) throws Exception {
        int pairs = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        Path shared = Path.of(System.getProperty("tuneline.shared.dir", "../shared"));
        List<String> refs = referenceLines(shared, pairs);
        List<String> hyps = perturb(refs, 20261130L);

        Path dir = Files.createTempDirectory("bleubench");
        List<String> hypTok = new ArrayList<>(pairs);
        List<String> refTok = new ArrayList<>(pairs);
        long tokens = 0;
        for (int i = 0; i < pairs; i++) {
            hypTok.add(BleuTokenizer.THIRTEEN_A.tokenize(hyps.get(i)));
            refTok.add(BleuTokenizer.THIRTEEN_A.tokenize(refs.get(i)));
            tokens += hypTok.get(i).isEmpty() ? 0 : hypTok.get(i).split(" ").length;
        }
        Path hypTokFile = writeLines(dir.resolve("hyp.tok"), hypTok);
        Path refTokFile = writeLines(dir.resolve("ref.tok"), refTok);
        Path hypFile = writeLines(dir.resolve("hyp.txt"), hyps);
        Path refFile = writeLines(dir.resolve("ref.txt"), refs);
        Path nltkScript = resource("/bench/nltk_corpus_bleu.py", dir);
        Path sbScript = resource("/bench/sacrebleu_corpus_bleu.py", dir);
        String python = System.getProperty("bench.python", "/usr/bin/python3");
        String sbPython = System.getenv("SACREBLEU_PYTHON");

        SacreBleu sacre = SacreBleu.builder().optForce(true).build();
        SacreBleu pretok = SacreBleu.builder().optTokenizer(BleuTokenizer.NONE).optForce(true).build();
        SacreBleu pretokNone = SacreBleu.builder().optTokenizer(BleuTokenizer.NONE)
                .optSmoothing(SacreBleu.Smoothing.NONE).optForce(true).build();
        HfBleu hf = HfBleu.defaults();
        List<List<String>> refStreams = List.of(refs);
        List<List<String>> refTokStreams = List.of(refTok);
        List<List<String>> refsPerHyp = new ArrayList<>(pairs);
        for (String r : refs) {
            refsPerHyp.add(List.of(r));
        }

        // warm-up (JIT), not timed
        for (int w = 0; w < 3; w++) {
            sacre.corpusScore(hyps, refStreams);
            pretok.corpusScore(hypTok, refTokStreams);
            hf.compute(hyps, refsPerHyp);
        }
        List<Double> tEnd = new ArrayList<>();
        List<Double> tPre = new ArrayList<>();
        List<Double> tHf = new ArrayList<>();
        List<Double> tNltk = new ArrayList<>();
        List<Double> tSb = new ArrayList<>();
        JsonNode nltk = null;
        JsonNode sb = null;
        BleuScore end = null;
        long cpuStart = cpuNanos();
        for (int r = 0; r < rounds; r++) {
            for (int k = 0; k < 3; k++) {
                long t0 = System.nanoTime();
                end = sacre.corpusScore(hyps, refStreams);
                tEnd.add(seconds(t0));
                t0 = System.nanoTime();
                pretok.corpusScore(hypTok, refTokStreams);
                tPre.add(seconds(t0));
                t0 = System.nanoTime();
                hf.compute(hyps, refsPerHyp);
                tHf.add(seconds(t0));
            }
            nltk = runJson(python, nltkScript, hypTokFile, refTokFile);
            tNltk.add(nltk.get("median_s").asDouble());
            if (sbPython != null && !sbPython.isBlank()) {
                sb = runJson(sbPython, sbScript, hypFile, refFile);
                tSb.add(sb.get("median_s").asDouble());
            }
        }
        double javaCpu = (cpuNanos() - cpuStart) / 1e9;

        double nltkMed = median(tNltk);
        BleuScore noSmooth = pretokNone.corpusScore(hypTok, refTokStreams);
        System.out.printf(Locale.ROOT, "Corpus BLEU, %,d sentence pairs (%,d hypothesis tokens after 13a), median of %d timed runs%n",
                pairs, tokens, rounds * 3);
        System.out.printf(Locale.ROOT, "machine: %d cores, load average %.1f, Java %s; nltk %s on Python %s%n%n",
                Runtime.getRuntime().availableProcessors(), ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                System.getProperty("java.version"), nltk.get("nltk").asText(), nltk.get("python").asText());
        System.out.println("| implementation                               | input          |  median ms |     pairs/s | speed-up vs nltk |");
        System.out.println("|----------------------------------------------|----------------|-----------:|------------:|-----------------:|");
        row("Tuneline SacreBleu (13a tokenize + score)", "raw text", median(tEnd), pairs, nltkMed);
        row("Tuneline SacreBleu (tok none)", "13a tokens", median(tPre), pairs, nltkMed);
        row("Tuneline HfBleu (13a tokenize + score)", "raw text", median(tHf), pairs, nltkMed);
        row("nltk corpus_bleu", "13a tokens", nltkMed, pairs, nltkMed);
        if (!tSb.isEmpty()) {
            row("sacreBLEU " + sb.get("sacrebleu").asText() + " corpus_score (Python)", "raw text", median(tSb), pairs, nltkMed);
        }
        System.out.println();
        // nltk's modified precision divides by max(1, n-gram count): a hypothesis shorter than n adds 1 to the
        // order-n denominator. Adding those to Tuneline's totals must reproduce nltk's number.
        long[] totals = noSmooth.totals();
        for (String h : hypTok) {
            int len = h.isEmpty() ? 0 : h.split(" ").length;
            for (int n = len + 1; n <= 4; n++) {
                totals[n - 1]++;
            }
        }
        BleuScore nltkRule = SacreBleu.computeBleu(noSmooth.counts(), totals, noSmooth.sysLen(), noSmooth.refLen(),
                SacreBleu.Smoothing.NONE, null, false, 4);
        System.out.printf(Locale.ROOT, "same pairs, no smoothing: Tuneline %.10f; nltk x 100 %.10f; Tuneline with nltk's "
                + "max(1, count) denominators %.10f%n", noSmooth.score(), nltk.get("score").asDouble() * 100, nltkRule.score());
        System.out.println("Tuneline score line: " + end.format());
        if (sb != null) {
            System.out.println("sacreBLEU score line: " + sb.get("line").asText() + (sb.get("line").asText().equals(end.format())
                    ? "  (identical)" : "  (DIFFERENT)"));
        }
        System.out.printf(Locale.ROOT, "Java process CPU during the timed rounds: %.1f s (single-threaded scoring)%n", javaCpu);
        try (var files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.delete(f);
            }
        }
        Files.delete(dir);
    }

    /** The first {@code n} output lines with at least four words, whitespace collapsed. */
    static List<String> referenceLines(Path shared, int n) throws IOException {
        List<String> out = new ArrayList<>(n);
        ObjectMapper mapper = new ObjectMapper();
        for (String f : List.of("code_alpaca_2k.json", "codealpaca_new_3500.json")) {
            Path file = shared.resolve("data").resolve("sft").resolve(f);
            for (JsonNode row : mapper.readTree(file.toFile())) {
                for (String line : row.get("output").asText().split("\n")) {
                    String[] words = line.trim().split("\\s+");
                    if (words.length >= 4) {
                        out.add(String.join(" ", words));
                        if (out.size() == n) {
                            return out;
                        }
                    }
                }
            }
        }
        throw new IllegalStateException("only " + out.size() + " usable output lines in " + shared + "/data/sft, need " + n);
    }

    /** Deterministic perturbed copies: drop 8 %, substitute 8 % (word from the pool), swap 5 % with the next word. */
    static List<String> perturb(List<String> refs, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<String> pool = new ArrayList<>();
        for (int i = 0; i < refs.size(); i += 7) {
            pool.addAll(Arrays.asList(refs.get(i).split(" ")));
        }
        List<String> out = new ArrayList<>(refs.size());
        for (String ref : refs) {
            String[] w = ref.split(" ");
            List<String> h = new ArrayList<>(w.length);
            for (int i = 0; i < w.length; i++) {
                double r = rng.nextDouble();
                if (r < 0.08) {
                    continue;
                } else if (r < 0.16) {
                    h.add(pool.get(rng.nextInt(pool.size())));
                } else if (r < 0.21 && i + 1 < w.length) {
                    h.add(w[i + 1]);
                    h.add(w[i]);
                    i++;
                } else {
                    h.add(w[i]);
                }
            }
            out.add(String.join(" ", h));
        }
        return out;
    }

    private static void row(String name, String input, double seconds, int pairs, double nltkSeconds) {
        System.out.printf(Locale.ROOT, "| %-44s | %-14s | %10.1f | %11.0f | %15.1fx |%n", name, input, seconds * 1000,
                pairs / seconds, nltkSeconds / seconds);
    }

    private static JsonNode runJson(String python, Path script, Path hyp, Path ref) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(python, script.toString(), hyp.toString(), ref.toString(), "1")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(600, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(python + " " + script.getFileName() + " failed (exit "
                    + (p.isAlive() ? "timeout" : p.exitValue()) + "); for nltk run scripts/bench-bleu.sh, which installs python3-nltk");
        }
        String[] lines = out.strip().split("\n");
        return new ObjectMapper().readTree(lines[lines.length - 1]);
    }

    private static Path resource(String name, Path dir) throws IOException {
        try (InputStream in = BleuBench.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            Path out = dir.resolve(Path.of(name).getFileName().toString());
            Files.copy(in, out);
            return out;
        }
    }

    private static Path writeLines(Path file, List<String> lines) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (String l : lines) {
            sb.append(l).append('\n');
        }
        return Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    private static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        s.sort(null);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
