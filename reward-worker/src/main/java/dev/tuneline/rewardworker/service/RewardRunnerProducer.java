package dev.tuneline.rewardworker.service;

import dev.tuneline.events.PreferenceBatch;
import dev.tuneline.llm.model.Checkpoints;
import dev.tuneline.llm.model.RewardModel;
import dev.tuneline.llm.registry.BaseModels;
import dev.tuneline.llm.train.PairBatch;
import dev.tuneline.llm.train.RewardTrainer;
import dev.tuneline.worker.JobRunner;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

/** The reward job runner: backbone + scalar head trained with the Bradley-Terry loss. */
@ApplicationScoped
public class RewardRunnerProducer {
    /** The runner the shared training service uses. */
    @Produces
    @ApplicationScoped
    @SuppressWarnings("rawtypes")
    JobRunner runner() {
        return new JobRunner<PreferenceBatch, PairBatch>("reward", PreferenceBatch.class,
                b -> b.payload().margins() == null
                        ? new PairBatch(b.payload().chosenIds(), b.payload().chosenMask(), b.payload().rejectedIds(),
                                b.payload().rejectedMask())
                        : new PairBatch(b.payload().chosenIds(), b.payload().chosenMask(), b.payload().rejectedIds(),
                                b.payload().rejectedMask(), b.payload().margins()),
                (ref, config, manager, training, saveBase) -> {
                    RewardModel model = BaseModels.rewardModel(ref, config, manager, training.seed());
                    if (saveBase != null) {
                        Checkpoints.save(model, saveBase);
                    }
                    return RewardTrainer.of(model, training);
                });
    }
}
