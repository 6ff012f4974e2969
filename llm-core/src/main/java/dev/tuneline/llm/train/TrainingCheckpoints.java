package dev.tuneline.llm.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Checkpoint files: {@code checkpoint-N/} holds {@code trainable.safetensors} (trainable parameters by name: all
 * weights for full fine-tuning, only adapters with LoRA), {@code optimizer.safetensors} + {@code optimizer.json},
 * {@code scheduler.json} and {@code trainer_state.json}. A checkpoint is written to a hidden temporary directory and
 * renamed when complete, so a worker that dies mid-write leaves no half checkpoint behind.
 */
final class TrainingCheckpoints {
    static final String PARAMS = "trainable.safetensors";
    static final String SCHEDULER = "scheduler.json";
    static final String STATE = "trainer_state.json";
    private static final Pattern NAME = Pattern.compile("checkpoint-(\\d+)");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private TrainingCheckpoints() {}

    /** Body that fills a checkpoint directory. */
    interface Filler {
        void fill(Path dir) throws IOException;
    }

    static Path write(Path outputDir, int step, Filler filler) throws IOException {
        Files.createDirectories(outputDir);
        Path tmp = outputDir.resolve(".checkpoint-" + step + ".tmp");
        deleteTree(tmp);
        Files.createDirectories(tmp);
        filler.fill(tmp);
        Path dir = outputDir.resolve("checkpoint-" + step);
        deleteTree(dir);
        Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
        return dir;
    }

    static void writeParameters(Path dir, Map<String, Parameter> params) throws IOException {
        NDList list = new NDList();
        List<String> oldNames = new ArrayList<>();
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            NDArray a = e.getValue().getArray();
            oldNames.add(a.getName());
            a.setName(e.getKey());
            list.add(a);
        }
        try (OutputStream os = Files.newOutputStream(dir.resolve(PARAMS))) {
            list.encode(os, NDList.Encoding.SAFETENSORS);
        } finally {
            for (int i = 0; i < list.size(); i++) {
                list.get(i).setName(oldNames.get(i));
            }
        }
    }

    /** Copies saved values into the live parameters (same tensors, so optimizers and models keep their handles). */
    static void readParameters(Path dir, Map<String, Parameter> params) throws IOException {
        Path file = dir.resolve(PARAMS);
        NDManager owner = params.values().iterator().next().getArray().getManager();
        try (NDManager m = owner.newSubManager(); InputStream is = Files.newInputStream(file)) {
            Map<String, NDArray> byName = new HashMap<>();
            for (NDArray a : NDList.decode(m, is)) {
                byName.put(a.getName(), a);
            }
            for (Map.Entry<String, Parameter> e : params.entrySet()) {
                NDArray saved = byName.get(e.getKey());
                NDArray live = e.getValue().getArray();
                if (saved == null) {
                    throw new IOException(file + ": no tensor for trainable parameter " + e.getKey());
                }
                if (!saved.getShape().equals(live.getShape()) || saved.getDataType() != live.getDataType()) {
                    throw new IOException(file + ": " + e.getKey() + " is " + saved.getDataType() + saved.getShape()
                            + ", parameter is " + live.getDataType() + live.getShape());
                }
                live.set(saved.toByteBuffer());
            }
        }
    }

    static void writeScheduler(Path dir, LrScheduler s) throws IOException {
        JSON.writeValue(dir.resolve(SCHEDULER).toFile(), s);
    }

    static LrScheduler readScheduler(Path dir) throws IOException {
        return JSON.readValue(dir.resolve(SCHEDULER).toFile(), LrScheduler.class);
    }

    static void writeState(Path dir, TrainerState state) throws IOException {
        JSON.writeValue(dir.resolve(STATE).toFile(), state);
    }

    static TrainerState readState(Path dir) throws IOException {
        Path f = dir.resolve(STATE);
        if (!Files.isRegularFile(f)) {
            throw new IOException(dir + " is not a training checkpoint (no " + STATE + ")");
        }
        return JSON.readValue(f.toFile(), TrainerState.class);
    }

    static List<Path> list(Path outputDir) throws IOException {
        if (!Files.isDirectory(outputDir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(outputDir)) {
            return s.filter(p -> NAME.matcher(p.getFileName().toString()).matches())
                    .filter(p -> Files.isRegularFile(p.resolve(STATE)))
                    .sorted(Comparator.comparingLong(TrainingCheckpoints::stepOf)).toList();
        }
    }

    static long stepOf(Path p) {
        Matcher m = NAME.matcher(p.getFileName().toString());
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }

    static Optional<Path> latest(Path outputDir) {
        try {
            List<Path> all = list(outputDir);
            return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    static void prune(Path outputDir, int keep) throws IOException {
        if (keep <= 0) {
            return;
        }
        List<Path> all = list(outputDir);
        for (int i = 0; i < all.size() - keep; i++) {
            deleteTree(all.get(i));
        }
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(q);
            }
        }
    }
}
