package dev.tuneline.events;

/** Every Kafka topic name Tuneline uses, in one place (k8s KafkaTopics and tests check against these). */
public final class Topics {
    /** gateway → dataset-service / eval-service: a job was accepted. Key: jobId. */
    public static final String JOB_REQUESTED = "job-requested";
    /** dataset-service → sft-worker: tokenized, masked SFT batches then an end marker. Key: jobId. */
    public static final String SFT_BATCHES = "sft-batches";
    /** dataset-service → reward-worker: tokenized preference batches then an end marker. Key: jobId. */
    public static final String REWARD_BATCHES = "reward-batches";
    /** dataset-service → eval-service: the held-out split of a job (prompts + references, or pairs). Key: jobId. */
    public static final String EVAL_SETS = "eval-sets";
    /** workers → gateway: training progress (step, loss, lr, …). Key: jobId. */
    public static final String JOB_PROGRESS = "job-progress";
    /** workers → eval-service, gateway: a trained model was saved. Key: jobId. */
    public static final String MODEL_READY = "model-ready";
    /** eval-service → gateway: evaluation results. Key: jobId. */
    public static final String EVAL_COMPLETED = "eval-completed";
    /** any service → gateway: a job failed, with the reason. Key: jobId. */
    public static final String JOB_FAILED = "job-failed";
    /** gateway → workers, eval-service: a user cancelled a job; stop its work. Key: jobId. */
    public static final String JOB_CANCELLED = "job-cancelled";

    /** Dead-letter topic of dataset-service's job-requested consumer. */
    public static final String DLQ_DATASET = "dlq-dataset-service";
    /** Dead-letter topic of sft-worker's batch consumer. */
    public static final String DLQ_SFT = "dlq-sft-worker";
    /** Dead-letter topic of reward-worker's batch consumer. */
    public static final String DLQ_REWARD = "dlq-reward-worker";
    /** Dead-letter topic of eval-service's consumers. */
    public static final String DLQ_EVAL = "dlq-eval-service";
    /** Dead-letter topic of the gateway's consumers. */
    public static final String DLQ_GATEWAY = "dlq-gateway";

    /** All topics, for provisioning scripts and manifests checks. */
    public static final java.util.List<String> ALL = java.util.List.of(
            JOB_REQUESTED, SFT_BATCHES, REWARD_BATCHES, EVAL_SETS, JOB_PROGRESS, MODEL_READY,
            EVAL_COMPLETED, JOB_FAILED, JOB_CANCELLED, DLQ_DATASET, DLQ_SFT, DLQ_REWARD, DLQ_EVAL, DLQ_GATEWAY);

    private Topics() {
    }
}
