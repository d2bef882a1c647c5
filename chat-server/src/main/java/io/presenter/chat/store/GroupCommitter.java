package io.presenter.chat.store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bounded append queue and the one thread that drains it: it takes whatever is queued (at
 * least one append; at most {@link StoreConfig#maxBatchSize()} appends and, past the first,
 * {@value #MAX_BATCH_BYTES} body bytes; in queue order) and hands it to the {@link BatchWriter} as
 * one batch, then the next. Appends never wait: when the queue holds
 * {@link StoreConfig#queueCapacity()} appends or {@link StoreConfig#maxQueuedBytes()} body bytes,
 * the future fails at once with {@link StoreOverloadedException}.
 *
 * <p>{@link #close()} lets the thread commit what is already queued, waits for it (at most
 * {@code closeTimeout}), then fails whatever is still left. The thread is never interrupted:
 * interrupting H2 inside a file operation closes the database.
 */
final class GroupCommitter implements AutoCloseable {

  static final int MAX_BATCH_BYTES = 8 << 20;

  private static final Logger log = LoggerFactory.getLogger(GroupCommitter.class);
  private static final long POLL_MILLIS = 50;

  private final BlockingQueue<PendingAppend> queue;
  private final StoreConfig config;
  private final BatchWriter writer;
  private final StoreMetrics metrics;
  private final Duration closeTimeout;
  private final AtomicLong queuedBytes = new AtomicLong();
  private final Thread thread;
  private volatile boolean closed;

  GroupCommitter(BlockingQueue<PendingAppend> queue, StoreConfig config, BatchWriter writer,
      StoreMetrics metrics, Duration closeTimeout) {
    this.queue = queue;
    this.config = config;
    this.writer = writer;
    this.metrics = metrics;
    this.closeTimeout = closeTimeout;
    this.thread = new Thread(this::run, "presenter-store-committer");
    thread.setDaemon(true);
  }

  /** A queue for {@link GroupCommitter}; created first so that the metrics can watch it. */
  static BlockingQueue<PendingAppend> newQueue(StoreConfig config) {
    return new ArrayBlockingQueue<>(config.queueCapacity());
  }

  void start() {
    thread.start();
  }

  CompletableFuture<AppendResult> submit(AppendRequest request) {
    PendingAppend pending = new PendingAppend(request);
    if (closed) {
      pending.future.completeExceptionally(closedException());
      return pending.future;
    }
    int bytes = request.body().length;
    if (queuedBytes.addAndGet(bytes) > config.maxQueuedBytes()) {
      queuedBytes.addAndGet(-bytes);
      return overloaded(pending, config.maxQueuedBytes() + " bytes");
    }
    if (!queue.offer(pending)) {
      queuedBytes.addAndGet(-bytes);
      return overloaded(pending, config.queueCapacity() + " messages");
    }
    // close() may have drained the queue between the check above and the offer.
    if (closed && queue.remove(pending)) {
      queuedBytes.addAndGet(-bytes);
      pending.future.completeExceptionally(closedException());
    }
    return pending.future;
  }

  private CompletableFuture<AppendResult> overloaded(PendingAppend pending, String limit) {
    metrics.overloaded.increment();
    pending.future.completeExceptionally(
        new StoreOverloadedException("store append queue is full (" + limit + ")"));
    return pending.future;
  }

  private void run() {
    List<PendingAppend> batch = new ArrayList<>(config.maxBatchSize());
    while (true) {
      PendingAppend first;
      try {
        first = queue.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        log.warn("store committer interrupted; stopping");
        return;
      }
      if (first == null) {
        if (closed) {
          return;
        }
        continue;
      }
      long bytes = first.request.body().length;
      batch.add(first);
      PendingAppend next;
      while (batch.size() < config.maxBatchSize() && bytes < MAX_BATCH_BYTES
          && (next = queue.poll()) != null) {
        bytes += next.request.body().length;
        batch.add(next);
      }
      queuedBytes.addAndGet(-bytes);
      try {
        writer.write(batch);
      } catch (Throwable t) {
        // BatchWriter completes every future itself; this is the last line of defence.
        log.error("store committer failed on a batch of {}", batch.size(), t);
        for (PendingAppend p : batch) {
          if (p.future.completeExceptionally(new StoreException("append failed", t))) {
            metrics.failures.increment();
          }
        }
      }
      batch.clear();
    }
  }

  @Override
  public void close() {
    closed = true;
    if (thread.isAlive()) {
      try {
        thread.join(closeTimeout.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (thread.isAlive()) {
        log.warn("store committer still busy after {}; failing what is queued", closeTimeout);
      }
    }
    List<PendingAppend> left = new ArrayList<>();
    queue.drainTo(left);
    for (PendingAppend p : left) {
      queuedBytes.addAndGet(-p.request.body().length);
      p.future.completeExceptionally(closedException());
    }
  }

  private static StoreException closedException() {
    return new StoreException("store is closed");
  }
}
