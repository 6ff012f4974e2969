package dev.tuneline.llm.model;

import static dev.tuneline.llm.model.ModelTestUtil.logits;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HF checkpoint layout in and out: round trips, names and prefixes, shards, dtypes, errors, large files. */
class CheckpointTest extends ManagedTest {

    private static final long[] IDS = {2, 100, 7, 250, 9, 9, 41};

    @Test
    void optSavedAndReloadedGivesIdenticalLogits(@TempDir Path dir) throws Exception {
        LmConfig c = LmConfig.tinyOpt(400).toBuilder().optDoLayerNormBefore(false).optWordEmbedProjDim(32).build();
        CausalLm model = Checkpoints.create(c, manager, 3);
        Checkpoints.save(model, dir);
        CausalLm back = Checkpoints.loadCausalLm(dir, manager);
        assertArrayEquals(logits(model, manager, IDS), logits(back, manager, IDS), "bit-identical logits");
        assertEquals(4 * back.parameterCount(), back.parameterBytes(), "fp32 weights, the tied head counted once");

        JsonNode cfg = new ObjectMapper().readTree(dir.resolve("config.json").toFile());
        assertEquals("OPTForCausalLM", cfg.get("architectures").get(0).asText());
        assertEquals("opt", cfg.get("model_type").asText());
        assertEquals(32, cfg.get("word_embed_proj_dim").asInt());
        assertFalse(cfg.get("do_layer_norm_before").asBoolean());
        Map<String, SafeTensors.Entry> keys = SafeTensors.readHeader(dir.resolve("model.safetensors"));
        assertFalse(keys.containsKey("lm_head.weight"), "tied head omitted as HF does");
        assertTrue(keys.containsKey("model.decoder.embed_tokens.weight"));
        assertTrue(keys.containsKey("model.decoder.project_in.weight"));
        assertTrue(keys.containsKey("model.decoder.layers.1.self_attn.q_proj.bias"));
        assertEquals(model.hfParameters().keySet(), keys.keySet());
        // the data section starts 8-byte aligned, as the safetensors library writes it
        ByteBuffer head = ByteBuffer.wrap(Files.readAllBytes(dir.resolve("model.safetensors")), 0, 8)
                .order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0, head.getLong(0) % 8);
    }

    @Test
    void gpt2SavesWithTransformerPrefixAndLoadsWithoutPrefixAndBuffers(@TempDir Path dir) throws Exception {
        CausalLm model = Checkpoints.create(LmConfig.tinyGpt2(300), manager, 5);
        Checkpoints.save(model, dir);
        Map<String, SafeTensors.Entry> keys = SafeTensors.readHeader(dir.resolve("model.safetensors"));
        assertTrue(keys.containsKey("transformer.h.0.attn.c_attn.weight"));
        assertEquals(new Shape(64, 192), keys.get("transformer.h.0.attn.c_attn.weight").shape(), "Conv1D (in, out)");
        assertFalse(keys.containsKey("lm_head.weight"));
        assertEquals("GPT2LMHeadModel",
                new ObjectMapper().readTree(dir.resolve("config.json").toFile()).get("architectures").get(0).asText());

        // the original gpt2 checkpoint layout: no "transformer." prefix, causal-mask buffers, explicit lm_head
        Path old = dir.resolve("old");
        Files.createDirectories(old);
        Files.copy(dir.resolve("config.json"), old.resolve("config.json"));
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        model.hfParameters().forEach((k, p) -> tensors.put(k.substring("transformer.".length()), p.getArray()));
        tensors.put("h.0.attn.bias", manager.ones(new Shape(1, 1, 4, 4)));
        tensors.put("h.1.attn.masked_bias", manager.create(-1e4f).reshape(1));
        tensors.put("lm_head.weight", model.tokenEmbedding().getArray());
        SafeTensors.write(old.resolve("model.safetensors"), tensors, Map.of("format", "pt"));
        CausalLm back = Checkpoints.loadCausalLm(old, manager);
        assertArrayEquals(logits(model, manager, IDS), logits(back, manager, IDS));
    }

    @Test
    void untiedHeadIsSavedAndTokenizerFilesAreCopied(@TempDir Path dir) throws Exception {
        LmConfig c = LmConfig.tinyOpt(400).toBuilder().optTieWordEmbeddings(false).build();
        CausalLm model = Checkpoints.create(c, manager, 8);
        assertTrue(model.hfParameters().containsKey("lm_head.weight"));
        Checkpoints.save(model, dir);
        assertTrue(SafeTensors.readHeader(dir.resolve("model.safetensors")).containsKey("lm_head.weight"));
        CausalLm back = Checkpoints.loadCausalLm(dir, manager);
        assertFalse(back.config().tieWordEmbeddings());
        assertArrayEquals(logits(model, manager, IDS), logits(back, manager, IDS));

        var copied = Checkpoints.copyTokenizerFiles(SharedData.path("parity/tiny-opt-preln"), dir);
        assertEquals(java.util.List.of("tokenizer_config.json", "special_tokens_map.json", "vocab.json", "merges.txt"), copied);
        assertEquals(Files.size(SharedData.path("parity/tiny-opt-preln/merges.txt")), Files.size(dir.resolve("merges.txt")));
    }

    @Test
    void shardedCheckpointLoads(@TempDir Path dir) throws Exception {
        CausalLm model = Checkpoints.create(LmConfig.tinyOpt(400), manager, 9);
        Checkpoints.save(model, dir);
        Files.delete(dir.resolve("model.safetensors"));
        Map<String, NDArray> a = new LinkedHashMap<>();
        Map<String, NDArray> b = new LinkedHashMap<>();
        StringBuilder map = new StringBuilder("{\"metadata\":{},\"weight_map\":{");
        int i = 0;
        for (Map.Entry<String, Parameter> e : model.hfParameters().entrySet()) {
            String shard = i++ % 2 == 0 ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors";
            (shard.contains("00001-") ? a : b).put(e.getKey(), e.getValue().getArray());
            map.append(i > 1 ? "," : "").append('"').append(e.getKey()).append("\":\"").append(shard).append('"');
        }
        map.append("}}");
        SafeTensors.write(dir.resolve("model-00001-of-00002.safetensors"), a, Map.of());
        SafeTensors.write(dir.resolve("model-00002-of-00002.safetensors"), b, Map.of());
        Files.writeString(dir.resolve("model.safetensors.index.json"), map, StandardCharsets.UTF_8);
        CausalLm back = Checkpoints.loadCausalLm(dir, manager);
        assertArrayEquals(logits(model, manager, IDS), logits(back, manager, IDS));
    }

    @Test
    void unknownMissingAndMisshapenTensorsAreClearErrors(@TempDir Path dir) throws Exception {
        CausalLm model = Checkpoints.create(LmConfig.tinyOpt(400), manager, 1);
        Checkpoints.save(model, dir);
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        model.hfParameters().forEach((k, p) -> tensors.put(k, p.getArray()));
        tensors.remove("model.decoder.layers.1.fc2.bias");
        tensors.put("model.decoder.layers.0.mystery.weight", manager.zeros(new Shape(2)));
        SafeTensors.write(dir.resolve("model.safetensors"), tensors, Map.of());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Checkpoints.loadCausalLm(dir, manager));
        assertTrue(e.getMessage().contains("model.decoder.layers.1.fc2.bias"), e.getMessage());
        assertTrue(e.getMessage().contains("model.decoder.layers.0.mystery.weight"), e.getMessage());

        tensors.remove("model.decoder.layers.0.mystery.weight");
        tensors.put("model.decoder.layers.1.fc2.bias", manager.zeros(new Shape(63)));
        SafeTensors.write(dir.resolve("model.safetensors"), tensors, Map.of());
        e = assertThrows(IllegalArgumentException.class, () -> Checkpoints.loadCausalLm(dir, manager));
        assertTrue(e.getMessage().contains("model.decoder.layers.1.fc2.bias") && e.getMessage().contains("(64)"),
                e.getMessage());

        Files.delete(dir.resolve("model.safetensors"));
        Files.writeString(dir.resolve("pytorch_model.bin"), "x");
        e = assertThrows(IllegalArgumentException.class, () -> Checkpoints.loadCausalLm(dir, manager));
        assertTrue(e.getMessage().contains("safetensors"), e.getMessage());
    }

    @Test
    void halfPrecisionAndBfloat16TensorsAreReadAsFloat32(@TempDir Path dir) throws Exception {
        // values exactly representable in both formats
        float[] values = {0f, 1f, -2.5f, 0.15625f, 1024f, -0.0078125f};
        ByteBuffer f16 = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        short[] half = {0x0000, 0x3c00, (short) 0xc100, 0x3100, 0x6400, (short) 0xa000};
        for (short h : half) {
            f16.putShort(h);
        }
        ByteBuffer bf16 = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            bf16.putShort((short) (Float.floatToIntBits(v) >>> 16));
        }
        String header = "{\"h\":{\"dtype\":\"F16\",\"shape\":[2,3],\"data_offsets\":[0,12]},"
                + "\"b\":{\"dtype\":\"BF16\",\"shape\":[6],\"data_offsets\":[12,24]}}";
        Path file = dir.resolve("x.safetensors");
        byte[] hb = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(8 + hb.length + 24).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(hb.length).put(hb).put(f16.array()).put(bf16.array());
        Files.write(file, out.array());
        Map<String, SafeTensors.Entry> h = SafeTensors.readHeader(file);
        assertArrayEquals(values, SafeTensors.read(h.get("h"), manager).toFloatArray());
        assertEquals(new Shape(2, 3), SafeTensors.read(h.get("h"), manager).getShape());
        assertArrayEquals(values, SafeTensors.read(h.get("b"), manager).toFloatArray());
    }

    @Test
    void tensorsBeyondTwoGibibytesAreReadFromSparseFile(@TempDir Path dir) throws Exception {
        long filler = (2L << 30) + 4096; // > 2 GiB of (sparse) zeros before the tensor we read
        String header = "{\"filler\":{\"dtype\":\"F32\",\"shape\":[" + filler / 4 + "],\"data_offsets\":[0," + filler + "]},"
                + "\"tail\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[" + filler + "," + (filler + 12) + "]}}";
        byte[] hb = header.getBytes(StandardCharsets.UTF_8);
        Path file = dir.resolve("big.safetensors");
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, hb.length);
            raf.write(len.array());
            raf.write(hb);
            raf.seek(8 + hb.length + filler);
            ByteBuffer tail = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putFloat(1.5f).putFloat(-2f).putFloat(3.25f);
            raf.write(tail.array());
        }
        Map<String, SafeTensors.Entry> h = SafeTensors.readHeader(file);
        assertTrue(h.get("tail").start() > Integer.MAX_VALUE);
        assertArrayEquals(new float[] {1.5f, -2f, 3.25f}, SafeTensors.read(h.get("tail"), manager).toFloatArray());
    }

    @Test
    void chunkedWriteAndReadPreserveLargeTensors(@TempDir Path dir) {
        long saved = SafeTensors.chunkBytes;
        SafeTensors.chunkBytes = 64; // force the chunked paths used for tensors over 2 GiB
        try {
            float[] data = new float[37 * 5];
            for (int i = 0; i < data.length; i++) {
                data[i] = i * 0.5f - 3;
            }
            NDArray a = manager.create(data, new Shape(37, 5));
            Path file = dir.resolve("c.safetensors");
            SafeTensors.write(file, Map.of("a", a), Map.of());
            NDArray back = SafeTensors.read(SafeTensors.readHeader(file).get("a"), manager);
            assertEquals(new Shape(37, 5), back.getShape());
            assertArrayEquals(data, back.toFloatArray());
        } finally {
            SafeTensors.chunkBytes = saved;
        }
    }

    @Test
    void presetAndHfConfigsGiveThePublishedParameterCounts() {
        LmConfig opt350 = LmConfig.fromHfConfig(SharedData.path("models/opt-350m/config.json"));
        assertFalse(opt350.doLayerNormBefore());
        assertEquals(512, opt350.wordEmbedProjDim());
        CausalLm model = CausalLm.of(opt350); // shapes only, nothing allocated
        assertEquals(331_196_416L, model.parameterCount(), "facebook/opt-350m has 331,196,416 parameters");
        assertEquals(model.parameterCount(), opt350.parameterCount(), "config formula agrees with block shapes");
        assertEquals(331_196_416L, CausalLm.of(LmConfig.opt350m()).parameterCount());
        assertEquals(125_239_296L, CausalLm.of(LmConfig.opt125m()).parameterCount(), "facebook/opt-125m");
        assertEquals(124_439_808L, CausalLm.of(LmConfig.gpt2()).parameterCount(), "gpt2");
        assertEquals(124_439_808L, LmConfig.gpt2().parameterCount());
    }

    @Test
    void hfConfigRoundTripKeepsFieldsAndExtras(@TempDir Path dir) throws Exception {
        LmConfig opt350 = LmConfig.fromHfConfig(SharedData.path("models/opt-350m/config.json"));
        Path p = dir.resolve("config.json");
        Files.writeString(p, opt350.toHfConfigJson());
        LmConfig back = LmConfig.fromHfConfig(p);
        assertEquals(opt350.toHfConfigJson(), back.toHfConfigJson());
        JsonNode json = new ObjectMapper().readTree(p.toFile());
        assertEquals("</s>", json.get("prefix").asText(), "unknown keys are kept");
        assertEquals(1, json.get("pad_token_id").asInt());
        LmConfig gpt2 = LmConfig.fromHfConfig(SharedData.path("models/tiny-gpt2-random/config.json"));
        assertEquals(8, gpt2.ffnDim(), "n_inner null -> 4 * n_embd");
        assertEquals(-1, gpt2.padTokenId());
    }
}
