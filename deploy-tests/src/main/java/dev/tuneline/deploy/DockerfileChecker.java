package dev.tuneline.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Checks a service's Dockerfile.jvm: it packages the Quarkus fast-jar, listens on the service's
 * port, runs as the Kubernetes user, runs DJL offline with the cache where Kubernetes mounts it,
 * and (workers) brings a CUDA libtorch in at build time only, selected by PYTORCH_FLAVOR.
 */
public final class DockerfileChecker {

    /** One instruction: keyword (upper case) and its arguments, continuation lines joined. */
    record Instruction(String keyword, String args) {
    }

    private DockerfileChecker() {
    }

    /** The instructions of a Dockerfile, comments dropped and continuation lines joined. */
    static List<Instruction> parse(String text) {
        List<Instruction> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            String trimmed = line.strip();
            if (trimmed.startsWith("#") || (trimmed.isEmpty() && current.length() == 0)) {
                continue;
            }
            if (trimmed.endsWith("\\")) {
                current.append(trimmed, 0, trimmed.length() - 1).append(' ');
                continue;
            }
            current.append(trimmed);
            String joined = current.toString().strip();
            current.setLength(0);
            if (joined.isEmpty()) {
                continue;
            }
            int space = joined.indexOf(' ');
            out.add(space < 0 ? new Instruction(joined.toUpperCase(), "")
                    : new Instruction(joined.substring(0, space).toUpperCase(), joined.substring(space + 1).strip()));
        }
        return out;
    }

    /**
     * The instructions that end up in the final image: the last stage and, when it starts FROM
     * another stage, that stage's, and so on (identity matters: instructions are distinct objects).
     */
    static List<Instruction> runtimeStages(List<Instruction> all) {
        List<List<Instruction>> stages = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<String> bases = new ArrayList<>();
        for (Instruction i : all) {
            if (i.keyword().equals("FROM")) {
                String[] words = i.args().split("\\s+");
                stages.add(new ArrayList<>());
                bases.add(words[0]);
                names.add(words.length == 3 && words[1].equalsIgnoreCase("AS") ? words[2] : null);
            }
            if (!stages.isEmpty()) {
                stages.get(stages.size() - 1).add(i);
            }
        }
        List<Instruction> runtime = new ArrayList<>();
        int stage = stages.size() - 1;
        while (stage >= 0) {
            runtime.addAll(0, stages.get(stage));
            stage = names.indexOf(bases.get(stage));
        }
        return runtime;
    }

    /**
     * Violations of a service's Dockerfile; {@code env} is the service's Kubernetes environment
     * (DJL_CACHE_DIR, TUNELINE_* paths) and {@code runAsUser} the pod's user id.
     */
    public static List<String> check(Platform.Service s, String text, Map<String, String> env, Object runAsUser) {
        List<String> out = new ArrayList<>();
        String where = s.name() + "/src/main/docker/Dockerfile.jvm: ";
        List<Instruction> all = parse(text);
        List<Instruction> runtime = runtimeStages(all);
        if (runtime.isEmpty()) {
            out.add(where + "no FROM");
            return out;
        }
        java.util.Set<Instruction> inRuntime = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        inRuntime.addAll(runtime);
        List<Instruction> build = all.stream().filter(i -> !inRuntime.contains(i)).toList();
        String copies = String.join("\n", runtime.stream().filter(i -> i.keyword().equals("COPY"))
                .map(Instruction::args).toList());
        for (String part : List.of("target/quarkus-app/lib/", "target/quarkus-app/*.jar", "target/quarkus-app/app/",
                "target/quarkus-app/quarkus/")) {
            if (!copies.contains(part)) {
                out.add(where + "does not COPY " + part + " (Quarkus fast-jar layout)");
            }
        }
        String entry = runtime.stream().filter(i -> i.keyword().equals("ENTRYPOINT") || i.keyword().equals("CMD"))
                .map(Instruction::args).reduce("", (a, b) -> a + b);
        if (!entry.contains("quarkus-run.jar")) {
            out.add(where + "ENTRYPOINT does not run quarkus-run.jar");
        }
        if (runtime.stream().noneMatch(i -> i.keyword().equals("EXPOSE") && i.args().equals(String.valueOf(s.port())))) {
            out.add(where + "does not EXPOSE " + s.port());
        }
        if (runtime.stream().noneMatch(i -> i.keyword().equals("USER") && i.args().equals(String.valueOf(runAsUser)))) {
            out.add(where + "does not run as USER " + runAsUser + " like the Kubernetes pod");
        }
        String envs = String.join(" ", runtime.stream().filter(i -> i.keyword().equals("ENV"))
                .map(Instruction::args).toList());
        List<String> expected = new ArrayList<>(List.of("DJL_OFFLINE=true", "OPT_OUT_TRACKING=true",
                "OMP_WAIT_POLICY=PASSIVE", "QUARKUS_HTTP_PORT=" + s.port()));
        for (String k : List.of("DJL_CACHE_DIR", "TUNELINE_MODEL_ROOT", "TUNELINE_DATA_ROOT")) {
            expected.add(k + "=" + env.get(k));
        }
        for (String e : expected) {
            if (!(" " + envs + " ").contains(" " + e + " ")) {
                out.add(where + "ENV " + e + " is missing");
            }
        }
        boolean flavorArg = all.stream().anyMatch(i -> i.keyword().equals("ARG") && i.args().startsWith("PYTORCH_FLAVOR"));
        if (s.worker()) {
            if (!all.get(0).keyword().equals("ARG") || !all.get(0).args().equals("PYTORCH_FLAVOR=cpu")) {
                out.add(where + "must start with ARG PYTORCH_FLAVOR=cpu (CPU unless a CUDA flavor is asked for)");
            }
            for (String e : List.of("PYTORCH_FLAVOR=$PYTORCH_FLAVOR", "PYTORCH_LIBRARY_PATH=")) {
                if (!envs.contains(e)) {
                    out.add(where + "ENV " + e + "… is missing: DJL would not load the CUDA libtorch");
                }
            }
            boolean downloadsInBuildStage = build.stream()
                    .anyMatch(i -> i.keyword().equals("RUN") && i.args().contains("publish.djl.ai"));
            if (!downloadsInBuildStage) {
                out.add(where + "no build stage fetches the CUDA libtorch");
            }
            if (runtime.stream().noneMatch(i -> i.keyword().equals("COPY") && i.args().startsWith("--from="))) {
                out.add(where + "the runtime stage does not copy libtorch from the build stage");
            }
        } else if (flavorArg) {
            out.add(where + "declares PYTORCH_FLAVOR but only the workers run on GPUs");
        }
        if (runtime.stream().anyMatch(i -> i.args().contains("publish.djl.ai") || i.args().contains("DJL_OFFLINE=false"))) {
            out.add(where + "the runtime image downloads natives or turns DJL offline mode off");
        }
        return out;
    }
}
