package io.presenter.chat.store;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One distinct message of a batch: the first append of a (couple, sender, client message id) and
 * the resends of it that were queued in the same batch (its followers, answered as duplicates of
 * whatever the first gets). Used by the committer thread only.
 */
final class Slot {

  private record Key(String coupleId, String senderId, String clientMessageId) {}

  final PendingAppend leader;
  private List<PendingAppend> followers = List.of();
  /** The seq assigned in the current attempt. */
  long seq;
  /** For a resend found during an attempt: the stored original. */
  AppendResult original;
  private boolean done;

  private Slot(PendingAppend leader) {
    this.leader = leader;
  }

  /** Groups a batch into slots, in order of first appearance. */
  static List<Slot> group(List<PendingAppend> batch) {
    Map<Key, Slot> slots = new LinkedHashMap<>();
    for (PendingAppend p : batch) {
      AppendRequest r = p.request;
      Key key = new Key(r.coupleId(), r.senderId(), r.clientMessageId());
      Slot slot = slots.get(key);
      if (slot == null) {
        slots.put(key, new Slot(p));
      } else {
        if (slot.followers.isEmpty()) {
          slot.followers = new ArrayList<>(2);
        }
        slot.followers.add(p);
      }
    }
    return new ArrayList<>(slots.values());
  }

  AppendRequest request() {
    return leader.request;
  }

  String coupleId() {
    return leader.request.coupleId();
  }

  boolean done() {
    return done;
  }

  /** How many appends this slot answers. */
  int appends() {
    return 1 + followers.size();
  }

  /** Completes the leader with {@code result} and the followers as duplicates of it. */
  void complete(AppendResult result) {
    done = true;
    leader.future.complete(result);
    for (PendingAppend f : followers) {
      f.future.complete(result.asDuplicate());
    }
  }

  void fail(Throwable cause) {
    done = true;
    leader.future.completeExceptionally(cause);
    for (PendingAppend f : followers) {
      f.future.completeExceptionally(cause);
    }
  }
}
