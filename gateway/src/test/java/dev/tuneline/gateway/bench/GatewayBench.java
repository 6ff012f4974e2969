package dev.tuneline.gateway.bench;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tuneline.events.Json;
import dev.tuneline.llm.model.CausalLm;
import dev.tuneline.llm.model.Checkpoints;
import dev.tuneline.llm.model.LmConfig;
import dev.tuneline.llm.tokenizer.TextTokenizer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Loopback load on a running gateway: {@code POST /v1/generate} from 1 and from N concurrent clients, greedy,
 * a fixed number of new tokens per request (EOS ignored), printing generated tokens per second so batching's gain
 * is the ratio of the two. Run through {@code scripts/bench-gateway.sh}, which also writes the model and starts the
 * gateway.
 *
 * <pre>
 * GatewayBench write-model &lt;dir&gt; &lt;tokenizerDir&gt;     a random GPT-2 (hidden 256, 4 layers, vocab 50,257)
 * GatewayBench run &lt;baseUrl&gt; &lt;key&gt; &lt;model&gt; &lt;label&gt; &lt;newTokens&gt; &lt;requests&gt; &lt;repeats&gt; &lt;clients...&gt;
 * </pre>
 */
public final class GatewayBench {
    private static final List<String> PROMPTS = List.of("def fibonacci(n):", "Write a SQL query that counts users",
            "The quick brown fox jumps over", "Explain recursion to a child", "import numpy as np\n",
            "### Instruction:\nSort a list in Python\n\n### Response:\n", "Once upon a time, in a small village,",
            "function add(a, b) {");

    private GatewayBench() {
    }

    /** Entry point; see the class comment. */
    public static void main(String[] args) throws Exception {
        if (args.length >= 3 && args[0].equals("write-model")) {
            writeModel(Path.of(args[1]), Path.of(args[2]));
        } else if (args.length >= 9 && args[0].equals("run")) {
            int[] clients = Arrays.stream(args, 8, args.length).mapToInt(Integer::parseInt).toArray();
            run(args[1], args[2], args[3], args[4], Integer.parseInt(args[5]), Integer.parseInt(args[6]),
                    Integer.parseInt(args[7]), clients);
        } else {
            System.err.println("usage: GatewayBench write-model <dir> <tokenizerDir> | run <baseUrl> <key> <model> "
                    + "<label> <newTokens> <requestsPerRun> <repeats> <clients...>");
            System.exit(2);
        }
    }

    static void writeModel(Path dir, Path tokenizer) throws Exception {
        LmConfig c = LmConfig.builder(LmConfig.Architecture.GPT2).setVocabSize(50257).setHiddenSize(256)
                .setNumLayers(4).setNumHeads(4).setFfnDim(1024).setMaxPositions(512)
                .optBosTokenId(50256).optEosTokenId(50256).build();
        try (NDManager m = NDManager.newBaseManager(); TextTokenizer tok = TextTokenizer.load(tokenizer)) {
            CausalLm lm = Checkpoints.create(c, m, 1);
            Checkpoints.save(lm, dir);
            tok.saveTo(dir);
        }
        System.out.printf("wrote %s (%,d parameters)%n", dir, c.parameterCount());
    }

    /**
     * Measures each client count {@code repeats} times, alternating (1, N, 1, N, ...) so that load from other
     * processes hits both alike, and prints the median run of each, then the ratio of the last count to the first.
     */
    static void run(String base, String key, String model, String label, int newTokens, int requests, int repeats,
            int[] clients) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        for (int i = 0; i < 3; i++) {
            call(http, base, key, model, PROMPTS.get(i), newTokens >= 0 ? newTokens : MIXED[i]);   // warm-up
        }
        double[][] results = new double[clients.length * repeats][];
        for (int rep = 0; rep < repeats; rep++) {
            for (int k = 0; k < clients.length; k++) {
                results[rep * clients.length + k] = once(http, base, key, model, newTokens, requests, clients[k]);
            }
        }
        double first = 0;
        for (int k = 0; k < clients.length; k++) {
            List<double[]> mine = new ArrayList<>();
            for (int rep = 0; rep < repeats; rep++) {
                mine.add(results[rep * clients.length + k]);
            }
            mine.sort((x, y) -> Double.compare(x[3], y[3]));
            double[] med = mine.get(mine.size() / 2);
            String all = mine.stream().map(r -> String.format("%.1f", r[3])).reduce((x, y) -> x + " " + y).orElse("");
            System.out.printf("| %-12s | %7d | %8d | %7d | %7.2f | %8.1f | %-18s | %9.0f |%n", label, clients[k],
                    (long) med[0], (long) med[1], med[2], med[3], all, med[4]);
            if (k == 0) {
                first = med[3];
            } else {
                System.out.printf("ratio %s, %d clients / %d client(s): %.2fx%n", label, clients[k], clients[0],
                        med[3] / first);
            }
        }
    }

    /** Budgets of the mixed workload (newTokens -1): mean 26, each in another power-of-two bucket. */
    static final int[] MIXED = {4, 12, 28, 60};

    /** One run: {@code c} clients share {@code requests} requests; returns requests, tokens, seconds, tok/s, mean ms. */
    static double[] once(HttpClient http, String base, String key, String model, int newTokens, int requests, int c)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(c);
        int perClient = Math.max(1, requests / c);
        long t0 = System.nanoTime();
        List<Future<long[]>> futures = new ArrayList<>();
        for (int k = 0; k < c; k++) {
            int client = k;
            futures.add(pool.submit(() -> {
                long tokens = 0;
                long latency = 0;
                for (int r = 0; r < perClient; r++) {
                    long s = System.nanoTime();
                    int budget = newTokens >= 0 ? newTokens : MIXED[(client + r) % MIXED.length];
                    tokens += call(http, base, key, model, PROMPTS.get((client + r) % PROMPTS.size()), budget);
                    latency += System.nanoTime() - s;
                }
                return new long[] {tokens, latency};
            }));
        }
        long tokens = 0;
        long latency = 0;
        for (Future<long[]> f : futures) {
            long[] r = f.get();
            tokens += r[0];
            latency += r[1];
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        pool.shutdown();
        return new double[] {perClient * c, tokens, secs, tokens / secs, latency / 1e6 / (perClient * c)};
    }

    /** One generation request; returns the tokens generated. */
    static long call(HttpClient http, String base, String key, String model, String prompt, int newTokens)
            throws Exception {
        String body = Json.MAPPER.writeValueAsString(Map.of("model", model, "prompt", prompt,
                "maxNewTokens", newTokens, "ignoreEos", true));
        HttpRequest req = HttpRequest.newBuilder(URI.create(base + "/v1/generate"))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .timeout(Duration.ofMinutes(5)).POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<String> res = http.send(req, HttpResponse.BodyHandlers.ofString());
        if (res.statusCode() != 200) {
            throw new IllegalStateException("generate answered " + res.statusCode() + ": " + res.body());
        }
        JsonNode json = Json.MAPPER.readTree(res.body());
        return json.path("usage").path("completionTokens").asLong();
    }
}
