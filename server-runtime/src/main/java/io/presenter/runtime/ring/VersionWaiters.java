package io.presenter.runtime.ring;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;

/**
 * Futures waiting for a ring version, bounded in number. Futures that callers completed
 * themselves (timeout, cancel) are purged when the bound is reached, so abandoned waits do not
 * use up the bound.
 */
final class VersionWaiters {

  private record Waiter(long minVersion, CompletableFuture<HashRing> future) {}

  private final int maxPending;
  private final List<Waiter> pending = new ArrayList<>(); // guarded by this
  private boolean closed; // guarded by this

  VersionWaiters(int maxPending) {
    if (maxPending < 1) {
      throw new IllegalArgumentException("maxPending must be >= 1: " + maxPending);
    }
    this.maxPending = maxPending;
  }

  /** A future for {@code minVersion}, or an already failed one if closed or full. */
  CompletableFuture<HashRing> add(long minVersion) {
    CompletableFuture<HashRing> future = new CompletableFuture<>();
    synchronized (this) {
      if (closed) {
        return CompletableFuture.failedFuture(new IllegalStateException("membership view is closed"));
      }
      if (pending.size() >= maxPending) {
        pending.removeIf(w -> w.future().isDone());
      }
      if (pending.size() >= maxPending) {
        return CompletableFuture.failedFuture(new RejectedExecutionException(
            "too many pending awaitVersion calls: " + pending.size()));
      }
      pending.add(new Waiter(minVersion, future));
    }
    return future;
  }

  /** Completes, outside the lock, every waiter that {@code ring} satisfies. */
  void complete(HashRing ring) {
    List<CompletableFuture<HashRing>> ready = new ArrayList<>();
    synchronized (this) {
      pending.removeIf(w -> {
        if (w.minVersion() <= ring.version()) {
          ready.add(w.future());
          return true;
        }
        return w.future().isDone();
      });
    }
    ready.forEach(f -> f.complete(ring));
  }

  /** Fails every pending waiter and all later ones. */
  void close() {
    List<Waiter> failed;
    synchronized (this) {
      closed = true;
      failed = List.copyOf(pending);
      pending.clear();
    }
    failed.forEach(w -> w.future().completeExceptionally(
        new IllegalStateException("membership view closed")));
  }

  synchronized int size() {
    return pending.size();
  }
}
