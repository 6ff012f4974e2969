package dev.tuneline.llm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The config reads HF-named JSON/YAML, round-trips, validates and names the field at fault. */
class TrainingConfigTest {

    @Test
    void readsHfNamesFromJsonAndYaml(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("sft.json");
        Files.writeString(json, "{\"num_train_epochs\": 1, \"per_device_train_batch_size\": 4,"
                + " \"gradient_accumulation_steps\": 2, \"learning_rate\": 1.41e-5, \"lr_scheduler_type\": \"cosine\","
                + " \"warmup_ratio\": 0.1, \"logging_steps\": 10, \"max_seq_length\": 512, \"output_dir\": \"out\","
                + " \"seed\": 7, \"save_total_limit\": 2}");
        TrainingConfig c = TrainingConfig.read(json);
        assertEquals(1.0, c.numEpochs());
        assertEquals(4, c.perDeviceBatchSize());
        assertEquals(4, c.perDeviceEvalBatchSize());
        assertEquals(2, c.gradientAccumulationSteps());
        assertEquals(1.41e-5, c.learningRate());
        assertEquals(SchedulerType.COSINE, c.schedulerType());
        assertEquals(512, c.maxSeqLength());
        assertEquals("out", c.outputDir());
        assertEquals(2, c.saveTotalLimit());
        assertEquals(1.0, c.maxGradNorm()); // HF default
        assertEquals("cpu", c.device());

        Path lora = dir.resolve("lora.json");
        Files.writeString(lora, "{\"learning_rate\": 2e-4, \"lora\": {\"r\": 8, \"lora_alpha\": 32,"
                + " \"target_modules\": [\"c_attn\"]}}");
        TrainingConfig l = TrainingConfig.read(lora);
        assertEquals(new dev.tuneline.llm.lora.LoraConfig(8, 32f, 0.05f, java.util.List.of("c_attn")), l.lora());
        assertEquals(l.lora(), TrainingConfig.fromJson(l.toJson()).lora());
        assertTrue(l.toJson().contains("\"lora_alpha\" : 32"), l.toJson());
        assertEquals(null, c.lora());

        Path yaml = dir.resolve("rm.yaml");
        Files.writeString(yaml, "maxSteps: 30\nperDeviceBatchSize: 2\nlearning_rate: 0.001\n"
                + "center_rewards_coefficient: 0.01\nlr_scheduler_type: constant_with_warmup\nwarmup_steps: 3\n");
        TrainingConfig y = TrainingConfig.read(yaml);
        assertEquals(30, y.maxSteps());
        assertEquals(0.01, y.centerRewardsCoefficient());
        assertEquals(SchedulerType.CONSTANT_WITH_WARMUP, y.schedulerType());

        Path back = dir.resolve("back.yaml");
        y.write(back);
        assertEquals(y.toJson(), TrainingConfig.read(back).toJson());
        assertEquals(c.toJson(), TrainingConfig.fromJson(c.toJson()).toJson());
        assertTrue(c.toJson().contains("\"per_device_train_batch_size\" : 4"), c.toJson());
    }

    @Test
    void errorsNameTheField(@TempDir Path dir) throws Exception {
        IllegalArgumentException bf16 = assertThrows(IllegalArgumentException.class,
                () -> TrainingConfig.builder().optPrecision("bf16").build());
        assertTrue(bf16.getMessage().contains("precision") && bf16.getMessage().contains("bf16"), bf16.getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> TrainingConfig.builder().optGradientAccumulationSteps(0).build()).getMessage()
                .contains("gradient_accumulation_steps"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> TrainingConfig.builder().optDevice("tpu:0").build()).getMessage().contains("device"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> TrainingConfig.builder().optWarmupRatio(1.5).build()).getMessage().contains("warmup_ratio"));
        IllegalArgumentException gpu = assertThrows(IllegalArgumentException.class,
                () -> TrainingConfig.builder().optDevice("gpu:7").build().resolveDevice());
        assertTrue(gpu.getMessage().contains("gpu:7"), gpu.getMessage());

        Path typo = dir.resolve("typo.json");
        Files.writeString(typo, "{\"learning_rat\": 0.1}");
        Exception e = assertThrows(Exception.class, () -> TrainingConfig.read(typo));
        assertTrue(e.getMessage().contains("learning_rat") && e.getMessage().contains("typo.json"), e.getMessage());
        Path badLora = dir.resolve("badlora.json");
        Files.writeString(badLora, "{\"lora\": {\"r\": 0}}");
        e = assertThrows(Exception.class, () -> TrainingConfig.read(badLora));
        assertTrue(e.getMessage().contains("lora") && e.getMessage().contains("rank"), e.getMessage());
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"lr_scheduler_type\": \"exponential\"}");
        e = assertThrows(Exception.class, () -> TrainingConfig.read(bad));
        assertTrue(e.getMessage().contains("lr_scheduler_type"), e.getMessage());
    }
}
