package io.presenter.chat.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits one batch of appends and completes every one of their futures; runs on the committer
 * thread only.
 *
 * <p>The happy path is one transaction: assign each new message its couple's next seq (in batch
 * order), insert all rows in one JDBC batch with {@link Sql#INSERT_IF_NEW}, commit, run the
 * dialect's {@link Dialect#afterCommit}, and only then update the seq cache, count the metrics
 * and complete the futures. Rows that turn out to be resends of stored messages (update count 0)
 * would leave gaps, so the transaction is rolled back, they are answered with the originals, and
 * the rest is tried again without them.
 *
 * <p>If the batch fails as a whole, each message is tried again alone, so one bad message fails
 * only itself; the cached seqs of its couples are dropped first if the commit itself failed (it
 * may or may not have happened), and kept otherwise, so that a conflict shows again. A message
 * failing alone on a unique violation was either stored meanwhile by another writer (then it is
 * answered as a duplicate) or lost its seq to another writer: that is a
 * {@link SequenceConflictException}, and the couple's cached seq is dropped. When the database
 * cannot be reached there is no point in trying one by one: the whole batch fails with
 * {@link StoreException}.
 */
final class BatchWriter {

  private static final Logger log = LoggerFactory.getLogger(BatchWriter.class);

  private final DataSource dataSource;
  private final Dialect dialect;
  private final SequenceCache cache;
  private final StoreMetrics metrics;

  BatchWriter(DataSource dataSource, Dialect dialect, SequenceCache cache, StoreMetrics metrics) {
    this.dataSource = dataSource;
    this.dialect = dialect;
    this.cache = cache;
    this.metrics = metrics;
  }

  void write(List<PendingAppend> batch) {
    List<Slot> slots = Slot.group(batch);
    try {
      commit(slots);
    } catch (SQLException | RuntimeException e) {
      List<Slot> left = slots.stream().filter(s -> !s.done()).toList();
      boolean isolate = left.size() > 1 && !(e instanceof AfterCommitFailure)
          && !SqlErrors.isConnectionFailure(e);
      if (!isolate || e instanceof CommitFailure) {
        // The commit may have happened: read the latest seqs again. Otherwise the transaction
        // was rolled back and the cache is still right; keeping it lets a conflict show again.
        left.forEach(s -> cache.forget(s.coupleId()));
      }
      if (isolate) {
        log.debug("batch of {} failed; committing its messages one by one", left.size(), e);
        left.forEach(this::commitAlone);
      } else {
        left.forEach(s -> fail(s, e));
      }
    }
  }

  private void commitAlone(Slot slot) {
    try {
      commit(List.of(slot));
    } catch (SQLException | RuntimeException e) {
      cache.forget(slot.coupleId());
      fail(slot, e);
    }
  }

  private void commit(List<Slot> slots) throws SQLException {
    List<Slot> todo = new ArrayList<>(slots);
    while (!todo.isEmpty()) {
      long start = System.nanoTime();
      List<CoupleSeq> seqs;
      List<Slot> resends;
      try (Connection c = dataSource.getConnection()) {
        c.setAutoCommit(false);
        boolean ended = false;
        try {
          seqs = assignSeqs(c, todo);
          resends = Messages.insertIfNew(c, todo);
          if (resends.isEmpty()) {
            try {
              c.commit();
            } catch (SQLException e) {
              throw new CommitFailure(e);
            }
            ended = true;
            try {
              dialect.afterCommit(c);
            } catch (SQLException e) {
              throw new AfterCommitFailure(e);
            }
          } else {
            for (Slot r : resends) {
              r.original = findOriginal(c, r.request());
            }
            c.rollback();
            ended = true;
          }
        } finally {
          if (!ended) {
            rollbackQuietly(c);
          }
          // The pool restores auto-commit when the connection goes back.
        }
      }
      if (!resends.isEmpty()) {
        // Committed by an earlier transaction, so these can be answered now.
        for (Slot r : resends) {
          metrics.duplicates.increment(r.appends());
          r.complete(r.original.asDuplicate());
        }
        todo.removeAll(resends);
        continue;
      }
      seqs.forEach(CoupleSeq::publish);
      metrics.commit.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
      metrics.batchSize.record(todo.size());
      for (Slot s : todo) {
        metrics.appended.increment();
        metrics.duplicates.increment(s.appends() - 1);
        s.complete(new AppendResult(s.seq, s.request().timestampMillis(), false));
      }
      return;
    }
  }

  private List<CoupleSeq> assignSeqs(Connection c, List<Slot> todo) throws SQLException {
    Map<String, CoupleSeq> byCouple = new HashMap<>();
    for (Slot s : todo) {
      CoupleSeq cs = byCouple.get(s.coupleId());
      if (cs == null) {
        cs = load(c, s.coupleId());
        byCouple.put(s.coupleId(), cs);
      }
      s.seq = ++cs.next;
    }
    return new ArrayList<>(byCouple.values());
  }

  private CoupleSeq load(Connection c, String coupleId) throws SQLException {
    SequenceCache.Entry entry = cache.get(coupleId);
    if (entry != null) {
      return new CoupleSeq(coupleId, entry, entry.latest, 0);
    }
    long stamp = cache.stamp();
    return new CoupleSeq(coupleId, null, Messages.latestSeq(c, coupleId), stamp);
  }

  private static AppendResult findOriginal(Connection c, AppendRequest r) throws SQLException {
    AppendResult original = Messages.findStored(c, r);
    if (original == null) {
      throw new SQLException("message " + r.clientMessageId() + " of couple " + r.coupleId()
          + " was reported stored but cannot be found");
    }
    return original;
  }

  /** Completes a slot that failed for good. */
  private void fail(Slot slot, Exception e) {
    if (SqlErrors.isUniqueViolation(e) && !(e instanceof AfterCommitFailure)) {
      AppendResult original = null;
      try (Connection c = dataSource.getConnection()) {
        original = Messages.findStored(c, slot.request());
      } catch (SQLException | RuntimeException lookupFailure) {
        e.addSuppressed(lookupFailure);
      }
      if (original != null) {
        metrics.duplicates.increment(slot.appends());
        slot.complete(original);
        return;
      }
      log.warn("couple {}: seq {} was committed by another writer", slot.coupleId(), slot.seq);
      metrics.conflicts.increment(slot.appends());
      slot.fail(new SequenceConflictException(slot.coupleId(), slot.seq, e));
      return;
    }
    log.warn("append to couple {} failed", slot.coupleId(), e);
    metrics.failures.increment(slot.appends());
    slot.fail(new StoreException("append failed: " + e.getMessage(), e));
  }

  private static void rollbackQuietly(Connection c) {
    try {
      c.rollback();
    } catch (SQLException e) {
      log.debug("rollback failed", e);
    }
  }

  /** A couple's seqs during one attempt: where they start and how to cache the end. */
  private final class CoupleSeq {
    final String coupleId;
    final SequenceCache.Entry entry;
    final long stamp;
    long next;

    CoupleSeq(String coupleId, SequenceCache.Entry entry, long latest, long stamp) {
      this.coupleId = coupleId;
      this.entry = entry;
      this.next = latest;
      this.stamp = stamp;
    }

    void publish() {
      if (entry != null) {
        entry.latest = next;
      } else {
        cache.publish(coupleId, next, stamp);
      }
    }
  }

  /** The commit itself failed: it may or may not have happened. */
  private static final class CommitFailure extends SQLException {
    private static final long serialVersionUID = 1L;

    CommitFailure(SQLException cause) {
      super("commit failed: " + cause.getMessage(), cause.getSQLState(), cause);
    }
  }

  /** The commit went through, but making it durable failed: the outcome is unknown. */
  private static final class AfterCommitFailure extends SQLException {
    private static final long serialVersionUID = 1L;

    AfterCommitFailure(SQLException cause) {
      super("committed, but could not sync to disk: " + cause.getMessage(), cause.getSQLState(),
          cause);
    }
  }
}
