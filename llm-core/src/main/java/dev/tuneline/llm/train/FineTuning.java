package dev.tuneline.llm.train;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import dev.tuneline.llm.lora.Lora;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;

/** Full or LoRA fine-tuning of a Tuneline model: which parameters train and how the result is written. */
final class FineTuning {
    /** Subdirectory of the final model that holds the PEFT adapters of a LoRA run. */
    static final String ADAPTER_DIR = "adapter";

    private FineTuning() {}

    /** Saves a plain (adapter-free) model in HF layout. */
    interface HfSaver {
        void save(Path dir) throws IOException;
    }

    /**
     * The trainable parameters: with {@code lora} in the config, LoRA is applied (seeded by the run seed) unless the
     * model already carries adapters, and only adapters (plus a reward model's score head) train; otherwise all HF
     * parameters train.
     */
    static LinkedHashMap<String, Parameter> trainable(Block model, LinkedHashMap<String, Parameter> hfParameters,
            TrainingConfig config) {
        boolean hasAdapters = !Lora.adapters(model).isEmpty();
        if (config.lora() == null) {
            if (hasAdapters) {
                throw new IllegalArgumentException("the model carries LoRA adapters but the training config has no "
                        + "lora section; add one to train the adapters, or merge them first for full fine-tuning");
            }
            return hfParameters;
        }
        if (!hasAdapters) {
            Lora.apply(model, config.lora(), config.seed());
        }
        return Lora.trainableParameters(model);
    }

    /**
     * Full fine-tuning: the final directory is the HF checkpoint. LoRA: each checkpoint also holds PEFT's
     * adapter files; the final directory holds the PEFT adapters under {@code adapter/} and, after
     * {@link Lora#merge} (which folds the adapters into the in-memory model), the merged HF checkpoint.
     */
    static ModelWriter writer(Block model, TrainingConfig config, HfSaver saver) {
        if (config.lora() == null) {
            return saver::save;
        }
        return new ModelWriter() {
            @Override
            public void writeFinal(Path dir) throws IOException {
                Lora.saveAdapters(model, dir.resolve(ADAPTER_DIR));
                Lora.merge(model);
                saver.save(dir);
            }

            @Override
            public void writeCheckpoint(Path dir) {
                Lora.saveAdapters(model, dir);
            }
        };
    }
}
