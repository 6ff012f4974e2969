package dev.tuneline.gateway.inference;

import ai.djl.ndarray.NDManager;
import dev.tuneline.gateway.config.GatewayConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jboss.logging.Logger;

/**
 * The batching inference queue. Requests from any number of HTTP threads enter a bounded FIFO queue (full: 429 with
 * a Retry-After estimate); one worker thread takes the oldest task, lingers briefly for company, and runs it together
 * with every queued task of the same batch key (same model, compatible options) up to the batch size, in one
 * left-padded forward batch. Tasks whose deadline passed before they started are dropped. Models load lazily on the
 * worker and are kept in a bounded LRU {@link ModelCache}; the engine itself starts on the first request, so the
 * gateway starts without touching the native engine.
 */
@ApplicationScoped
public class InferenceEngine implements InferenceTask.EngineStats {
    private static final Logger LOG = Logger.getLogger(InferenceEngine.class);

    @Inject
    GatewayConfig config;
    @Inject
    MeterRegistry meters;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<InferenceTask<?>> queue = new ArrayDeque<>();
    private int queuedRows;
    private Thread worker;
    private volatile boolean stopping;
    private volatile double batchSecondsEwma = 0.5;
    private volatile int loadedModels;
    private volatile long loadedBytes;

    private Counter generatedTokens;
    private Counter promptTokens;
    private Counter rejected;
    private Counter expired;
    private DistributionSummary batchSizes;
    private Timer batchTimer;
    private Timer waitTimer;
    private Timer loadTimer;

    /** Queues a task; throws {@link QueueFullException} when the queue holds its capacity of rows. */
    public <R> InferenceTask<R> submit(InferenceTask<R> task) {
        lock.lock();
        try {
            ensureStarted();
            int capacity = config.inference().queueCapacity();
            if (stopping) {
                throw new ModelUnavailableException("the gateway is shutting down");
            }
            if (queuedRows + task.rows() > capacity && !queue.isEmpty()) {
                rejected.increment();
                throw new QueueFullException("the generation queue is full (" + queuedRows + " of " + capacity
                        + " rows waiting); retry later", retryAfterSeconds());
            }
            queue.addLast(task);
            queuedRows += task.rows();
            changed.signalAll();
            return task;
        } finally {
            lock.unlock();
        }
    }

    /** Rows waiting in the queue. */
    public int queueDepth() {
        return queuedRows;
    }

    /** Models currently in memory. */
    public int loadedModels() {
        return loadedModels;
    }

    @Override
    public void generated(int tokens) {
        generatedTokens.increment(tokens);
    }

    @Override
    public void prompted(int tokens) {
        promptTokens.increment(tokens);
    }

    @Override
    public int maxBatchSize() {
        return config.inference().maxBatchSize();
    }

    private long retryAfterSeconds() {
        double batches = Math.ceil((queuedRows + 1.0) / Math.max(1, maxBatchSize()));
        return Math.max(1, (long) Math.ceil(batches * batchSecondsEwma));
    }

    /** Registers the meters at start-up (the native engine starts later, with the first request). */
    void registerMeters(@jakarta.enterprise.event.Observes io.quarkus.runtime.StartupEvent ev) {
        lock.lock();
        try {
            if (generatedTokens == null) {
                meters();
            }
        } finally {
            lock.unlock();
        }
    }

    private void meters() {
        generatedTokens = Counter.builder("tuneline.tokens.generated").description("New tokens returned").register(meters);
        promptTokens = Counter.builder("tuneline.tokens.prompt").description("Prompt tokens read").register(meters);
        rejected = Counter.builder("tuneline.inference.rejected").tag("reason", "queue_full")
                .description("Requests refused because the queue was full").register(meters);
        expired = Counter.builder("tuneline.inference.rejected").tag("reason", "timeout")
                .description("Requests dropped because their deadline passed in the queue").register(meters);
        batchSizes = DistributionSummary.builder("tuneline.inference.batch.size").description("Rows per batch")
                .publishPercentileHistogram(false).register(meters);
        batchTimer = Timer.builder("tuneline.inference.batch.duration").description("Time to run one batch").register(meters);
        waitTimer = Timer.builder("tuneline.inference.queue.wait").description("Time a task waited in the queue").register(meters);
        loadTimer = Timer.builder("tuneline.model.load").description("Time to load a model").register(meters);
        Gauge.builder("tuneline.inference.queue.depth", this, InferenceEngine::queueDepth)
                .description("Rows waiting for the inference worker").register(meters);
        Gauge.builder("tuneline.models.loaded", this, InferenceEngine::loadedModels)
                .description("Models in memory").register(meters);
        Gauge.builder("tuneline.models.loaded.bytes", this, e -> e.loadedBytes)
                .description("Bytes of model weights in memory").register(meters);
    }

    private void ensureStarted() {
        if (worker != null) {
            return;
        }
        if (generatedTokens == null) {
            meters();
        }
        worker = new Thread(this::run, "inference-worker");
        worker.setContextClassLoader(InferenceEngine.class.getClassLoader());
        worker.setDaemon(true);
        worker.start();
    }

    private void run() {
        try (NDManager root = NDManager.newBaseManager();
                ModelCache<LoadedModel> cache = new ModelCache<>(config.inference().modelCacheSize(),
                        config.inference().modelCacheBytes().asLongValue(), root, this::load, LoadedModel::bytes)) {
            while (!stopping) {
                List<InferenceTask<?>> batch;
                try {
                    batch = nextBatch();
                } catch (InterruptedException e) {
                    break;
                }
                if (!batch.isEmpty()) {
                    runBatch(cache, batch);
                    loadedModels = cache.size();
                    loadedBytes = cache.bytes();
                }
            }
        } catch (RuntimeException | Error e) {
            LOG.error("inference worker stopped", e);
        } finally {
            failAll(new ModelUnavailableException("the inference worker stopped"));
        }
    }

    private LoadedModel load(ModelInfo info, NDManager root) {
        long t0 = System.nanoTime();
        LoadedModel m = LoadedModel.load(info, root);
        loadTimer.record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
        LOG.infof("loaded model %s (%s) from %s in %d ms", info.id(), info.kind().wire(), info.dir(),
                (System.nanoTime() - t0) / 1_000_000);
        return m;
    }

    /** Waits for a task, lingers for company, then removes the oldest task and its batch mates. */
    private List<InferenceTask<?>> nextBatch() throws InterruptedException {
        lock.lock();
        try {
            while (queue.isEmpty()) {
                changed.await();
            }
            long linger = config.inference().batchLinger().toNanos();
            if (linger > 0 && queuedRows < maxBatchSize()) {
                long deadline = System.nanoTime() + linger;
                for (long left = linger; left > 0 && queuedRows < maxBatchSize(); left = deadline - System.nanoTime()) {
                    changed.awaitNanos(left);
                }
            }
            List<InferenceTask<?>> batch = new ArrayList<>();
            int rows = 0;
            Object key = null;
            long now = System.nanoTime();
            for (Iterator<InferenceTask<?>> it = queue.iterator(); it.hasNext(); ) {
                InferenceTask<?> t = it.next();
                if (t.result().isDone() || now - t.deadlineNanos() > 0) {
                    it.remove();
                    queuedRows -= t.rows();
                    if (!t.result().isDone()) {
                        expired.increment();
                        t.fail(new TimeoutException("the request waited in the queue past its timeout"));
                    }
                    continue;
                }
                if (key == null) {
                    key = t.batchKey();
                } else if (!key.equals(t.batchKey()) || rows + t.rows() > maxBatchSize() || conflicts(t, batch)) {
                    continue;
                }
                it.remove();
                queuedRows -= t.rows();
                batch.add(t);
                rows += t.rows();
                waitTimer.record(now - t.enqueuedNanos(), TimeUnit.NANOSECONDS);
                if (rows >= maxBatchSize()) {
                    break;
                }
            }
            return batch;
        } finally {
            lock.unlock();
        }
    }

    private static boolean conflicts(InferenceTask<?> t, List<InferenceTask<?>> batch) {
        for (InferenceTask<?> b : batch) {
            if (t.conflictsWith(b)) {
                return true;
            }
        }
        return false;
    }

    private void runBatch(ModelCache<LoadedModel> cache, List<InferenceTask<?>> batch) {
        long t0 = System.nanoTime();
        try {
            LoadedModel model = cache.get(batch.get(0).model());
            batch.get(0).runBatch(model, batch, this);
        } catch (RuntimeException e) {
            if (!(e instanceof IllegalArgumentException) && !(e instanceof ModelUnavailableException)) {
                LOG.error("batch of " + batch.size() + " on model " + batch.get(0).model().id() + " failed", e);
            }
            batch.forEach(t -> t.fail(e));
        } finally {
            long took = System.nanoTime() - t0;
            batchTimer.record(took, TimeUnit.NANOSECONDS);
            batchSizes.record(batch.stream().mapToInt(InferenceTask::rows).sum());
            batchSecondsEwma = 0.8 * batchSecondsEwma + 0.2 * took / 1e9;
        }
    }

    private void failAll(RuntimeException e) {
        lock.lock();
        try {
            queue.forEach(t -> t.fail(e));
            queue.clear();
            queuedRows = 0;
        } finally {
            lock.unlock();
        }
    }

    /** Stops the worker after its current batch; queued tasks fail. */
    @PreDestroy
    void stop() {
        stopping = true;
        Thread w;
        lock.lock();
        try {
            w = worker;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (w != null) {
            w.interrupt();
            try {
                w.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
