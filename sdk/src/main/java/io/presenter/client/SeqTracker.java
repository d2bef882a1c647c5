package io.presenter.client;

import io.presenter.protocol.client.thrift.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The receive side's sequence bookkeeping: {@code lastSeenSeq} is the highest seq with no gap
 * below it. Seqs arrive from Message frames, SyncPages and the client's own SendAcks. A seq at or
 * below lastSeenSeq is a duplicate; one above lastSeenSeq + 1 is held back (bounded) until the gap
 * is filled, so messages are released strictly in seq order. Confined to the client's event loop.
 */
final class SeqTracker {
  /** Marks a seq known from our own SendAck: counts for contiguity, delivers nothing. */
  private static final Message OWN = new Message();

  private final TreeMap<Long, Message> ahead = new TreeMap<>();
  private final int maxAhead;
  private volatile long lastSeenSeq;

  SeqTracker(long lastSeenSeq, int maxAhead) {
    this.lastSeenSeq = lastSeenSeq;
    this.maxAhead = maxAhead;
  }

  long lastSeenSeq() {
    return lastSeenSeq;
  }

  /** Records a received message; returns the messages now deliverable, in seq order. */
  List<Message> received(Message m) {
    return offer(m.getSeq(), m);
  }

  /** Records a seq acknowledged to this client's own send. */
  List<Message> acked(long seq) {
    return offer(seq, OWN);
  }

  /** True while a message above lastSeenSeq + 1 is held back: a sync from lastSeenSeq is due. */
  boolean hasGap() {
    return !ahead.isEmpty();
  }

  private List<Message> offer(long seq, Message m) {
    if (seq <= lastSeenSeq) {
      return List.of();
    }
    if (seq > lastSeenSeq + 1) {
      if (ahead.size() < maxAhead || seq < ahead.lastKey()) {
        ahead.putIfAbsent(seq, m);
        if (ahead.size() > maxAhead) {
          ahead.pollLastEntry(); // it will come again with the sync
        }
      }
      return List.of();
    }
    List<Message> out = new ArrayList<>();
    deliver(seq, m, out);
    Map.Entry<Long, Message> next;
    while ((next = ahead.firstEntry()) != null && next.getKey() <= lastSeenSeq + 1) {
      ahead.pollFirstEntry();
      if (next.getKey() == lastSeenSeq + 1) {
        deliver(next.getKey(), next.getValue(), out);
      }
    }
    return out;
  }

  private void deliver(long seq, Message m, List<Message> out) {
    lastSeenSeq = seq;
    if (m != OWN) {
      out.add(m);
    }
  }
}
