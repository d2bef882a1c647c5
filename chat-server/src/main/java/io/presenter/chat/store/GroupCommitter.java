package io.presenter.chat.store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bounded append queue and the one thread that drains it: it takes whatever is queued (at
 * least one, at most {@code maxBatchSize} appends, in queue order) and hands it to the
 * {@link BatchWriter} as one batch, then the next. Appends never wait: a full queue fails the
 * future at once with {@link StoreOverloadedException}.
 *
 * <p>{@link #close()} lets the thread commit what is already queued, waits for it (at most
 * {@code closeTimeout}), then fails whatever is still left. The thread is never interrupted:
 * interrupting H2 inside a file operation closes the database.
 */
final class GroupCommitter implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(GroupCommitter.class);
  private static final long POLL_MILLIS = 50;

  private final BlockingQueue<PendingAppend> queue;
  private final int capacity;
  private final int maxBatchSize;
  private final BatchWriter writer;
  private final StoreMetrics metrics;
  private final Duration closeTimeout;
  private final Thread thread;
  private volatile boolean closed;

  GroupCommitter(BlockingQueue<PendingAppend> queue, int capacity, int maxBatchSize,
      BatchWriter writer, StoreMetrics metrics, Duration closeTimeout) {
    this.queue = queue;
    this.capacity = capacity;
    this.maxBatchSize = maxBatchSize;
    this.writer = writer;
    this.metrics = metrics;
    this.closeTimeout = closeTimeout;
    this.thread = new Thread(this::run, "presenter-store-committer");
    thread.setDaemon(true);
  }

  /** A queue for {@link GroupCommitter}; created first so that the metrics can watch it. */
  static BlockingQueue<PendingAppend> newQueue(int capacity) {
    return new ArrayBlockingQueue<>(capacity);
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
    if (!queue.offer(pending)) {
      metrics.overloaded.increment();
      pending.future.completeExceptionally(new StoreOverloadedException(capacity));
      return pending.future;
    }
    // close() may have drained the queue between the check above and the offer.
    if (closed && queue.remove(pending)) {
      pending.future.completeExceptionally(closedException());
    }
    return pending.future;
  }

  private void run() {
    List<PendingAppend> batch = new ArrayList<>(maxBatchSize);
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
      batch.add(first);
      queue.drainTo(batch, maxBatchSize - 1);
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
      p.future.completeExceptionally(closedException());
    }
  }

  private static StoreException closedException() {
    return new StoreException("store is closed");
  }
}
