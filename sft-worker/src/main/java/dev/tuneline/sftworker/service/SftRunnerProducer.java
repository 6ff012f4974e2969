package dev.tuneline.sftworker.service;

import dev.tuneline.events.SftBatch;
import dev.tuneline.llm.model.CausalLm;
import dev.tuneline.llm.model.Checkpoints;
import dev.tuneline.llm.registry.BaseModels;
import dev.tuneline.llm.train.SftTrainer;
import dev.tuneline.llm.train.TokenBatch;
import dev.tuneline.worker.JobRunner;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

/** The SFT job runner: a causal LM (checkpoint or random init) trained with the masked cross-entropy. */
@ApplicationScoped
public class SftRunnerProducer {
    /** The runner the shared training service uses. */
    @Produces
    @ApplicationScoped
    @SuppressWarnings("rawtypes")
    JobRunner runner() {
        return new JobRunner<SftBatch, TokenBatch>("sft", SftBatch.class,
                b -> new TokenBatch(b.payload().inputIds(), b.payload().labels(), b.payload().attentionMask()),
                (ref, config, manager, training, saveBase) -> {
                    CausalLm model = BaseModels.causalLm(ref, config, manager, training.seed());
                    if (saveBase != null) {
                        Checkpoints.save(model, saveBase);
                    }
                    return SftTrainer.of(model, training);
                });
    }
}
