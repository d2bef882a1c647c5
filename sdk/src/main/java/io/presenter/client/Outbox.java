package io.presenter.client;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Sent but not yet acknowledged messages, in send order, keyed by client message id. Bounded:
 * {@link #add} refuses beyond the capacity. Confined to the client's event loop.
 */
final class Outbox {
  /** One unacked message; {@code result} completes with its seq. */
  record Pending(String clientMessageId, int kind, byte[] body, CompletableFuture<Long> result) {}

  private final Map<String, Pending> pending = new LinkedHashMap<>();
  private final int capacity;

  Outbox(int capacity) {
    this.capacity = capacity;
  }

  boolean add(Pending p) {
    if (pending.size() >= capacity) {
      return false;
    }
    pending.put(p.clientMessageId(), p);
    return true;
  }

  Pending get(String clientMessageId) {
    return pending.get(clientMessageId);
  }

  Pending remove(String clientMessageId) {
    return pending.remove(clientMessageId);
  }

  /** A snapshot in send order, for resending. */
  List<Pending> inOrder() {
    return new ArrayList<>(pending.values());
  }

  int size() {
    return pending.size();
  }

  /** Removes and returns everything (on close). */
  Collection<Pending> drain() {
    List<Pending> all = inOrder();
    pending.clear();
    return all;
  }
}
