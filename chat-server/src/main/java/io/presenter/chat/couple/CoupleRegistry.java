package io.presenter.chat.couple;

import io.presenter.chat.store.MessageStore;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Predicate;

/**
 * The couples this server currently serves, each loaded once from the store (latest seq, read
 * markers) when its first device arrives and dropped when its last device leaves or when the
 * server stops owning it. A couple is never represented by two objects at once: a retired or
 * evicted {@link Couple} refuses joins, and the caller acquires again.
 */
public final class CoupleRegistry {
  private final MessageStore store;
  private final Executor blocking;
  private final ScheduledExecutorService timers;
  private final long typingTtlMillis;
  private final ConcurrentHashMap<String, CompletableFuture<Couple>> couples = new ConcurrentHashMap<>();

  public CoupleRegistry(MessageStore store, Executor blocking, ScheduledExecutorService timers, long typingTtlMillis) {
    this.store = store;
    this.blocking = blocking;
    this.timers = timers;
    this.typingTtlMillis = typingTtlMillis;
  }

  /** The couple's state, loading it from the store (off the caller's thread) if needed. */
  public CompletableFuture<Couple> acquire(String coupleId) {
    return couples.computeIfAbsent(
        coupleId,
        id -> {
          CompletableFuture<Couple> loading =
              CompletableFuture.supplyAsync(
                  () -> new Couple(
                      id, store.latestSeq(id), store.coupleMembers(id), store.readMarkers(id), timers, typingTtlMillis),
                  blocking);
          // A failed load must not stick: the next device retries.
          loading.whenComplete((c, e) -> {
            if (e != null) {
              couples.remove(id, loading);
            }
          });
          return loading;
        });
  }

  /**
   * Makes {@code userId} one of the couple's two users in the store if a place is free (off the
   * caller's thread), and tells the couple. Completes with whether the user is a member now.
   */
  public CompletableFuture<Boolean> admit(Couple couple, String userId) {
    return CompletableFuture.supplyAsync(
        () -> {
          List<String> members = store.admitCoupleMember(couple.id(), userId);
          couple.membersAre(members);
          return members.contains(userId);
        },
        blocking);
  }

  /** Called when a device's session ends: the couple is dropped once no device and no commit is left. */
  public void leave(Couple couple, Device device) {
    couple.leave(device);
    retireIfEmpty(couple);
  }

  /** Called after a commit started with {@link Couple#commitStarted()} completed (or failed). */
  public void commitFinished(Couple couple) {
    couple.commitFinished();
    retireIfEmpty(couple);
  }

  private void retireIfEmpty(Couple couple) {
    if (couple.retireIfEmpty()) {
      CompletableFuture<Couple> current = couples.get(couple.id());
      if (current != null && current.getNow(null) == couple) {
        couples.remove(couple.id(), current);
      }
    }
  }

  /** Ends every device of a couple this server no longer owns, and forgets its cached state. */
  public void evict(String coupleId, SessionEnd reason, long ringVersion, String message) {
    CompletableFuture<Couple> future = couples.remove(coupleId);
    store.forgetCouple(coupleId);
    if (future == null) {
      return;
    }
    future.thenAccept(couple -> {
      List<Device> devices = couple.evict();
      devices.forEach(d -> d.end(reason, ringVersion, message));
    });
  }

  /** Evicts every couple for which {@code notOwned} holds (after a ring change). Returns how many. */
  public int evictIf(Predicate<String> notOwned, SessionEnd reason, long ringVersion, String message) {
    int n = 0;
    for (String coupleId : List.copyOf(couples.keySet())) {
      if (notOwned.test(coupleId)) {
        evict(coupleId, reason, ringVersion, message);
        n++;
      }
    }
    return n;
  }

  /** Couples with at least one connected device. */
  public int size() {
    return couples.size();
  }
}
