package io.presenter.client;

import io.presenter.protocol.client.thrift.Message;
import io.presenter.protocol.client.thrift.SyncPage;
import java.util.List;
import java.util.function.LongConsumer;
import java.util.function.Predicate;

/**
 * The receive path (docs/PROTOCOL.md 3.8): feeds Message frames, SyncPages and own SendAcks
 * through the {@link SeqTracker}, hands what became deliverable to the listener in seq order, and
 * asks for a sync when a gap shows up or a page says {@code hasMore}. At most one sync is
 * outstanding at a time. Confined to the client's event loop.
 */
final class Inbox {
  private static final int MAX_HELD_BACK = 10_000;

  private final SeqTracker seqs;
  private final PresenterListener listener;
  private final LongConsumer sendSyncRequest;
  private final Predicate<Message> ownUnackedSend;
  private boolean syncing;

  /**
   * @param ownUnackedSend true for a copy of one of this device's sends still waiting for its ack
   *     (it then takes the copy as that ack); such a copy comes in a sync page when the session
   *     moved after the commit and the page overtook the resend's ack: it is not the partner's
   */
  Inbox(long lastSeenSeq, PresenterListener listener, LongConsumer sendSyncRequest, Predicate<Message> ownUnackedSend) {
    this.seqs = new SeqTracker(lastSeenSeq, MAX_HELD_BACK);
    this.listener = listener;
    this.sendSyncRequest = sendSyncRequest;
    this.ownUnackedSend = ownUnackedSend;
  }

  long lastSeenSeq() {
    return seqs.lastSeenSeq();
  }

  /** A new session began; {@code syncExpected}: the server sends a page without being asked. */
  void sessionStarted(boolean syncExpected) {
    syncing = syncExpected;
  }

  /** After SessionReestablished: sync from lastSeenSeq if the couple moved on meanwhile. */
  void reestablished(long latestSeq) {
    if (latestSeq > seqs.lastSeenSeq()) {
      sync(seqs.lastSeenSeq());
    }
  }

  void message(Message m) {
    deliver(receive(m));
    syncIfGap();
  }

  void acked(long seq) {
    deliver(seqs.acked(seq));
    syncIfGap();
  }

  void page(SyncPage page) {
    syncing = false;
    long highest = page.getAfterSeq();
    for (Message m : page.getMessages()) {
      deliver(receive(m));
      highest = Math.max(highest, m.getSeq());
    }
    if (page.isHasMore()) {
      sync(Math.max(highest, seqs.lastSeenSeq()));
    } else {
      syncIfGap();
    }
  }

  void sync(long afterSeq) {
    syncing = true;
    sendSyncRequest.accept(afterSeq);
  }

  private List<Message> receive(Message m) {
    return ownUnackedSend.test(m) ? seqs.acked(m.getSeq()) : seqs.received(m);
  }

  private void syncIfGap() {
    if (seqs.hasGap() && !syncing) {
      sync(seqs.lastSeenSeq());
    }
  }

  private void deliver(List<Message> messages) {
    for (Message m : messages) {
      try {
        listener.message(m);
      } catch (RuntimeException ignored) {
        // A listener's bug must not break the connection.
      }
    }
  }
}
