package io.presenter.chat.store;

import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The latest committed sequence number per couple, as far as this store knows.
 *
 * <p>Only the committer thread reads entries and writes their values; {@link #forget} may be called
 * from any thread. Forgetting must win over a commit that is in flight: an entry the committer
 * already holds is simply orphaned (the next batch reads the database again), and an entry the
 * committer loaded during the batch is only published if no {@code forget} happened since the
 * load began ({@link #stamp()}). Dropping an entry is always safe, which is also how the size bound
 * works.
 */
final class SequenceCache {

  /** One couple's latest sequence number; touched by the committer thread only. */
  static final class Entry {
    long latest;

    Entry(long latest) {
      this.latest = latest;
    }
  }

  private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
  private final int maxEntries;
  private long forgets; // guarded by this

  SequenceCache(int maxEntries) {
    this.maxEntries = maxEntries;
  }

  /** The couple's entry, or null if it must be read from the database. */
  Entry get(String coupleId) {
    return entries.get(coupleId);
  }

  /** Take before reading a couple's latest sequence number from the database. */
  synchronized long stamp() {
    return forgets;
  }

  /** Caches a value read from the database unless a couple was forgotten since {@code stamp}. */
  synchronized void publish(String coupleId, long latest, long stamp) {
    if (stamp != forgets) {
      return;
    }
    if (entries.size() >= maxEntries) {
      Iterator<String> it = entries.keySet().iterator();
      if (it.hasNext()) {
        it.next();
        it.remove();
      }
    }
    entries.put(coupleId, new Entry(latest));
  }

  synchronized void forget(String coupleId) {
    entries.remove(coupleId);
    forgets++;
  }

  int size() {
    return entries.size();
  }
}
