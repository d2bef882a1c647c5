package io.presenter.chat.session;

import static org.awaitility.Awaitility.await;

import io.presenter.chat.store.AppendRequest;
import io.presenter.chat.store.AppendResult;
import io.presenter.chat.store.MessageStore;
import io.presenter.chat.store.StoredMessage;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A real store whose append completions wait until the test releases them on its own thread, so
 * that EmbeddedChannels (single-threaded) see the session's commit callbacks there; it can also be
 * told to fail loading couples.
 */
final class GatedStore implements MessageStore {
  private final MessageStore store;
  private final Queue<Runnable> completions = new ConcurrentLinkedQueue<>();
  volatile boolean failLoads;

  GatedStore(MessageStore store) {
    this.store = store;
  }

  /** Waits until the store has completed at least one append, then runs every held completion on this thread. */
  void awaitAndRelease() {
    await().atMost(Duration.ofSeconds(10)).until(() -> !completions.isEmpty());
    for (Runnable r; (r = completions.poll()) != null; ) {
      r.run();
    }
  }

  @Override
  public CompletableFuture<AppendResult> append(AppendRequest request) {
    CompletableFuture<AppendResult> released = new CompletableFuture<>();
    store.append(request).whenComplete((result, error) -> completions.add(() -> {
      if (error != null) {
        released.completeExceptionally(error);
      } else {
        released.complete(result);
      }
    }));
    return released;
  }

  @Override
  public List<StoredMessage> readAfter(String coupleId, long afterSeq, int limit) {
    return store.readAfter(coupleId, afterSeq, limit);
  }

  @Override
  public long latestSeq(String coupleId) {
    if (failLoads) {
      throw new IllegalStateException("store down (test)");
    }
    return store.latestSeq(coupleId);
  }

  @Override
  public void setReadMarker(String coupleId, String userId, long seq) {
    store.setReadMarker(coupleId, userId, seq);
  }

  @Override
  public Map<String, Long> readMarkers(String coupleId) {
    return store.readMarkers(coupleId);
  }

  @Override
  public List<String> coupleMembers(String coupleId) {
    return store.coupleMembers(coupleId);
  }

  @Override
  public List<String> admitCoupleMember(String coupleId, String userId) {
    return store.admitCoupleMember(coupleId, userId);
  }

  @Override
  public void forgetCouple(String coupleId) {
    store.forgetCouple(coupleId);
  }

  @Override
  public void close() {
    store.close();
  }
}
