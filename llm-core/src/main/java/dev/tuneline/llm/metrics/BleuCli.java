package dev.tuneline.llm.metrics;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;

/**
 * The logic of {@code tuneline bleu -i HYP REF...}: reads files the way sacreBLEU 2.6.0's CLI does
 * ({@code sacrebleu REF... -i HYP}) and returns exactly what it prints for one system.
 *
 * <p>Files are UTF-8 (or {@link Options.Builder#optEncoding}), {@code .gz} is decompressed, lines end at
 * {@code \n} only and are right-stripped of whitespace; one segment per line, one reference file per
 * reference stream, or one file with {@code numRefs} tab-separated references per line. As in sacreBLEU
 * the default output format is JSON and the default width is 1 decimal; {@link Format#TEXT} gives the
 * score line {@code BLEU|nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0 = 14.7 45.3/20.1/10.2/5.1
 * (BP = 1.000 ratio = 1.012 hyp_len = 2154 ref_len = 2128)}. Errors are {@link CliException}s carrying
 * sacreBLEU's exit status and message.
 */
public final class BleuCli {

    private BleuCli() {
    }

    /** Output format ({@code -f}); sacreBLEU's default is JSON. */
    public enum Format {
        /** The JSON object(s) sacreBLEU prints by default. */
        JSON,
        /** The score line(s). */
        TEXT
    }

    /** A failure with the exit status sacreBLEU uses for it (1 for usage and length errors, 17 for field-count errors). */
    public static final class CliException extends RuntimeException {
        private final int exitCode;

        CliException(int exitCode, String message) {
            super(message);
            this.exitCode = exitCode;
        }

        /** The process exit status to use. */
        public int exitCode() {
            return exitCode;
        }
    }

    /** Scores {@code hyp} against reference files with sacreBLEU's CLI defaults (BLEU, JSON, width 1). */
    public static String run(Path hyp, List<Path> refs) {
        return run(hyp, refs, Options.defaults());
    }

    /**
     * Scores one hypothesis file against reference files and returns what sacreBLEU prints (no trailing
     * newline; sentence-level mode returns one line per segment).
     */
    public static String run(Path hyp, List<Path> refs, Options opts) {
        Objects.requireNonNull(hyp, "hyp");
        Objects.requireNonNull(opts, "opts");
        if (refs == null || refs.isEmpty()) {
            throw new CliException(1, "If manual references given, make sure to provide them before the -i/--input "
                    + "argument to avoid confusion. No reference file was given.");
        }
        if (opts.numRefs != 1 && refs.size() > 1) {
            throw new CliException(1, "The --num-refs argument allows you to provide any number of tab-delimited "
                    + "references in a single file; you cannot then provide multiple reference files.");
        }
        if (opts.sentenceLevel && opts.metrics.size() > 1) {
            throw new CliException(1, "Only one metric can be used in sentence-level mode.");
        }

        List<List<String>> refStreams = readReferences(refs, opts);
        List<String> system = new ArrayList<>();
        for (String line : readLines(hyp, opts.encoding)) {
            system.add(PyStrings.rstrip(line));
        }
        if (system.isEmpty()) {
            throw new CliException(1, "Hypothesis file " + hyp + " contains no sentence");
        }
        for (int k = 0; k < refStreams.size(); k++) {
            if (refStreams.get(k).size() != system.size()) {
                throw new CliException(1, "System and reference streams have different lengths: " + hyp + " has "
                        + system.size() + " lines, reference stream " + (k + 1) + " has " + refStreams.get(k).size());
            }
        }

        if (opts.sentenceLevel) {
            return sentenceLevel(system, refStreams, opts);
        }
        List<String> results = new ArrayList<>();
        for (String metric : opts.metrics) {
            MetricScore s = metric.equals("bleu") ? bleu(opts, false).corpusScore(system, refStreams)
                    : chrf(opts).corpusScore(system, refStreams);
            results.add(opts.scoreOnly ? s.formatScoreOnly(opts.width)
                    : opts.format == Format.JSON ? s.toJson(opts.width) : s.formatWithSignature(opts.width, opts.shortSignature));
        }
        return printSingleResults(results, opts.format);
    }

    private static String sentenceLevel(List<String> system, List<List<String>> refStreams, Options opts) {
        StringBuilder out = new StringBuilder();
        boolean isBleu = opts.metrics.first().equals("bleu");
        SacreBleu bleu = isBleu ? bleu(opts, true) : null;
        Chrf chrf = isBleu ? null : chrf(opts);
        for (int i = 0; i < system.size(); i++) {
            List<String> refs = new ArrayList<>(refStreams.size());
            for (List<String> stream : refStreams) {
                refs.add(stream.get(i));
            }
            if (i > 0) {
                out.append('\n');
            }
            MetricScore s = isBleu ? bleu.sentenceScore(system.get(i), refs) : chrf.sentenceScore(system.get(i), refs);
            out.append(opts.scoreOnly ? s.formatScoreOnly(opts.width) : s.formatWithSignature(opts.width, opts.shortSignature));
        }
        return out.toString();
    }

    private static SacreBleu bleu(Options opts, boolean sentenceLevel) {
        SacreBleu.Builder b = SacreBleu.builder()
                .optTokenizer(opts.tokenizer)
                .optSmoothing(opts.smoothing)
                .optLowercase(opts.lowercase)
                .optForce(opts.force)
                .optEffectiveOrder(sentenceLevel)
                .optWarnings(opts.warnings);
        if (opts.smoothValue != null) {
            b.optSmoothValue(opts.smoothValue);
        }
        return b.build();
    }

    private static Chrf chrf(Options opts) {
        return Chrf.builder().optCharOrder(opts.chrfCharOrder).optWordOrder(opts.chrfWordOrder)
                .optBeta(opts.chrfBeta).optWhitespace(opts.chrfWhitespace).optLowercase(opts.chrfLowercase)
                .optEpsSmoothing(opts.chrfEpsSmoothing).build();
    }

    /** sacreBLEU's {@code print_single_results}: JSON list for several metrics, '='-aligned text lines. */
    private static String printSingleResults(List<String> results, Format format) {
        if (results.size() == 1) {
            return results.get(0);
        }
        if (format == Format.JSON) {
            return "[\n" + String.join(",\n", results) + "\n]";
        }
        List<String> out = new ArrayList<>();
        List<String> aligned = new ArrayList<>();
        int w = 0;
        for (String line : results) {
            int eq = line.indexOf('=');
            if (eq < 0) {
                out.add(line);
            } else {
                aligned.add(line);
                w = Math.max(w, eq - 1);
            }
        }
        for (String line : aligned) {
            int len = line.indexOf('=') - 1;
            out.add(" ".repeat(w - len) + line);
        }
        return String.join("\n", out);
    }

    private static List<List<String>> readReferences(List<Path> refs, Options opts) {
        List<List<String>> streams = new ArrayList<>();
        int count = Math.max(refs.size(), opts.numRefs);
        for (int k = 0; k < count; k++) {
            streams.add(new ArrayList<>());
        }
        for (int f = 0; f < refs.size(); f++) {
            List<String> lines = readLines(refs.get(f), opts.encoding);
            for (int i = 0; i < lines.size(); i++) {
                String line = PyStrings.rstrip(lines.get(i));
                if (opts.numRefs == 1) {
                    streams.get(f).add(line);
                } else {
                    String[] fields = line.split("\t", opts.numRefs);
                    if (fields.length != opts.numRefs) {
                        throw new CliException(17, "FATAL: line " + (i + 1) + ": expected " + opts.numRefs
                                + " fields, but found " + fields.length + ". (" + refs.get(f) + ")");
                    }
                    for (int k = 0; k < fields.length; k++) {
                        streams.get(k).add(fields[k]);
                    }
                }
            }
        }
        return streams;
    }

    /**
     * The lines of a text file as Python's {@code open(f, encoding=..., newline="\n")} yields them, without
     * their {@code \n}: only {@code \n} ends a line, a final line without one still counts, {@code .gz} files
     * are decompressed, and undecodable bytes are an error naming the file.
     */
    public static List<String> readLines(Path file, Charset encoding) {
        String text;
        try (InputStream raw = Files.newInputStream(file);
                InputStream in = file.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            in.transferTo(bytes);
            text = encoding.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw new CliException(1, file + ": not valid " + encoding.name() + " text (" + e.getMessage() + ")");
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
        List<String> lines = new ArrayList<>();
        int start = 0;
        while (start < text.length()) {
            int nl = text.indexOf('\n', start);
            if (nl < 0) {
                lines.add(text.substring(start));
                break;
            }
            lines.add(text.substring(start, nl));
            start = nl + 1;
        }
        return lines;
    }

    /** Options of {@code tuneline bleu}, named after sacreBLEU's flags; defaults are sacreBLEU's. */
    public static final class Options {
        private final BleuTokenizer tokenizer;
        private final SacreBleu.Smoothing smoothing;
        private final Double smoothValue;
        private final boolean lowercase;
        private final boolean force;
        private final int width;
        private final Format format;
        private final boolean scoreOnly;
        private final boolean shortSignature;
        private final int numRefs;
        private final boolean sentenceLevel;
        private final TreeSet<String> metrics;
        private final int chrfCharOrder;
        private final int chrfWordOrder;
        private final int chrfBeta;
        private final boolean chrfWhitespace;
        private final boolean chrfLowercase;
        private final boolean chrfEpsSmoothing;
        private final Charset encoding;
        private final Consumer<String> warnings;

        private Options(Builder b) {
            tokenizer = b.tokenizer;
            smoothing = b.smoothing;
            smoothValue = b.smoothValue;
            lowercase = b.lowercase;
            force = b.force;
            width = b.width;
            format = b.format;
            scoreOnly = b.scoreOnly;
            shortSignature = b.shortSignature;
            numRefs = b.numRefs;
            sentenceLevel = b.sentenceLevel;
            metrics = new TreeSet<>(b.metrics);
            chrfCharOrder = b.chrfCharOrder;
            chrfWordOrder = b.chrfWordOrder;
            chrfBeta = b.chrfBeta;
            chrfWhitespace = b.chrfWhitespace;
            chrfLowercase = b.chrfLowercase;
            chrfEpsSmoothing = b.chrfEpsSmoothing;
            encoding = b.encoding;
            warnings = b.warnings;
        }

        /** sacreBLEU's CLI defaults: BLEU, 13a, exp, JSON, width 1. */
        public static Options defaults() {
            return builder().build();
        }

        /** A builder with sacreBLEU's CLI defaults. */
        public static Builder builder() {
            return new Builder();
        }

        /** Builder for {@link Options}. */
        public static final class Builder {
            private BleuTokenizer tokenizer = BleuTokenizer.THIRTEEN_A;
            private SacreBleu.Smoothing smoothing = SacreBleu.Smoothing.EXP;
            private Double smoothValue;
            private boolean lowercase;
            private boolean force;
            private int width = 1;
            private Format format = Format.JSON;
            private boolean scoreOnly;
            private boolean shortSignature;
            private int numRefs = 1;
            private boolean sentenceLevel;
            private List<String> metrics = List.of("bleu");
            private int chrfCharOrder = 6;
            private int chrfWordOrder = 0;
            private int chrfBeta = 2;
            private boolean chrfWhitespace;
            private boolean chrfLowercase;
            private boolean chrfEpsSmoothing;
            private Charset encoding = StandardCharsets.UTF_8;
            private Consumer<String> warnings = msg -> System.err.println("sacreBLEU: " + msg);

            private Builder() {
            }

            /** {@code -tok}: 13a (default), intl, char, none. */
            public Builder optTokenize(String name) {
                tokenizer = BleuTokenizer.of(name);
                return this;
            }

            /** {@code -s}: exp (default), floor, add-k, none. */
            public Builder optSmoothMethod(String name) {
                smoothing = SacreBleu.Smoothing.of(name);
                return this;
            }

            /** {@code -sv}: value for floor (0.1) / add-k (1). */
            public Builder optSmoothValue(double value) {
                smoothValue = value;
                return this;
            }

            /** {@code -lc}. */
            public Builder optLowercase(boolean v) {
                lowercase = v;
                return this;
            }

            /** {@code --force}. */
            public Builder optForce(boolean v) {
                force = v;
                return this;
            }

            /** {@code -w}: decimals of the score (default 1). */
            public Builder optWidth(int v) {
                if (v < 0 || v > 30) {
                    throw new IllegalArgumentException("width: must be 0..30, got " + v);
                }
                width = v;
                return this;
            }

            /** {@code -f}: json (default) or text. */
            public Builder optFormat(Format v) {
                format = Objects.requireNonNull(v, "format");
                return this;
            }

            /** {@code -f} by name: {@code json} or {@code text}. */
            public Builder optFormat(String name) {
                try {
                    return optFormat(Format.valueOf(name.toUpperCase(Locale.ROOT)));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("format: '" + name + "' is not one of json, text");
                }
            }

            /** {@code -b}: print only the score. */
            public Builder optScoreOnly(boolean v) {
                scoreOnly = v;
                return this;
            }

            /** {@code -sh}: abbreviated signature (text format only, as in sacreBLEU). */
            public Builder optShortSignature(boolean v) {
                shortSignature = v;
                return this;
            }

            /** {@code -nr}: references per line of a single tab-separated reference file (default 1). */
            public Builder optNumRefs(int v) {
                if (v < 1) {
                    throw new IllegalArgumentException("num_refs: must be >= 1, got " + v);
                }
                numRefs = v;
                return this;
            }

            /** {@code -sl}: one sentence-BLEU line per segment (effective order on). */
            public Builder optSentenceLevel(boolean v) {
                sentenceLevel = v;
                return this;
            }

            /** {@code -m}: metrics among {@code bleu} and {@code chrf} (printed in sacreBLEU's order, BLEU first). */
            public Builder optMetrics(List<String> names) {
                List<String> m = new ArrayList<>();
                for (String n : names) {
                    String lc = n.toLowerCase(Locale.ROOT);
                    if (!lc.equals("bleu") && !lc.equals("chrf")) {
                        throw new IllegalArgumentException("metrics: '" + n + "' is not one of bleu, chrf");
                    }
                    m.add(lc);
                }
                if (m.isEmpty()) {
                    throw new IllegalArgumentException("metrics: at least one metric is needed");
                }
                metrics = m;
                return this;
            }

            /** {@code --chrf-char-order} (default 6). */
            public Builder optChrfCharOrder(int v) {
                chrfCharOrder = v;
                return this;
            }

            /** {@code --chrf-word-order} (default 0; 2 = chrF++). */
            public Builder optChrfWordOrder(int v) {
                chrfWordOrder = v;
                return this;
            }

            /** {@code --chrf-beta} (default 2). */
            public Builder optChrfBeta(int v) {
                chrfBeta = v;
                return this;
            }

            /** {@code --chrf-whitespace}. */
            public Builder optChrfWhitespace(boolean v) {
                chrfWhitespace = v;
                return this;
            }

            /** {@code --chrf-lowercase}. */
            public Builder optChrfLowercase(boolean v) {
                chrfLowercase = v;
                return this;
            }

            /** {@code --chrf-eps-smoothing}. */
            public Builder optChrfEpsSmoothing(boolean v) {
                chrfEpsSmoothing = v;
                return this;
            }

            /** {@code -e}: file encoding (default UTF-8). */
            public Builder optEncoding(Charset v) {
                encoding = Objects.requireNonNull(v, "encoding");
                return this;
            }

            /** Where warnings go (default: stderr with sacreBLEU's "sacreBLEU: " prefix). */
            public Builder optWarnings(Consumer<String> sink) {
                warnings = Objects.requireNonNull(sink, "sink");
                return this;
            }

            /** Builds the options. */
            public Options build() {
                return new Options(this);
            }
        }
    }
}
