package io.presenter.chat.store;

import static io.presenter.chat.store.StoreLimits.checkId;
import static io.presenter.chat.store.StoreLimits.checkSeq;
import static java.util.Objects.requireNonNull;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The {@link MessageStore} on a JDBC database; the differences between H2 and PostgreSQL are in
 * its {@link Dialect}. Appends go through the {@link GroupCommitter}; reads and read markers take
 * a pooled connection each and run in auto-commit mode.
 */
final class JdbcMessageStore implements MessageStore {

  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

  private final HikariDataSource dataSource;
  private final Dialect dialect;
  private final SequenceCache cache;
  private final StoreMetrics metrics;
  private final GroupCommitter committer;
  private final AtomicBoolean closed = new AtomicBoolean();

  /** Takes ownership of {@code dataSource}, whose schema must be migrated already. */
  JdbcMessageStore(HikariDataSource dataSource, Dialect dialect, StoreConfig config,
      MeterRegistry registry) {
    this.dataSource = dataSource;
    this.dialect = dialect;
    this.cache = new SequenceCache(config.maxCachedCouples());
    BlockingQueue<PendingAppend> queue = GroupCommitter.newQueue(config);
    this.metrics = new StoreMetrics(registry, dialect.meterTag(), queue);
    this.committer = new GroupCommitter(queue, config,
        new BatchWriter(dataSource, dialect, cache, metrics), metrics, CLOSE_TIMEOUT);
    committer.start();
  }

  @Override
  public CompletableFuture<AppendResult> append(AppendRequest request) {
    return committer.submit(requireNonNull(request, "request"));
  }

  @Override
  public List<StoredMessage> readAfter(String coupleId, long afterSeq, int limit) {
    checkId(coupleId, "coupleId");
    checkSeq(afterSeq, "afterSeq");
    if (limit < 1 || limit > StoreLimits.MAX_READ_LIMIT) {
      throw new IllegalArgumentException(
          "limit must be 1 to " + StoreLimits.MAX_READ_LIMIT + ", is " + limit);
    }
    try (Connection c = connection()) {
      return Messages.readAfter(c, coupleId, afterSeq, limit);
    } catch (SQLException e) {
      throw new StoreException("cannot read couple " + coupleId + ": " + e.getMessage(), e);
    }
  }

  @Override
  public long latestSeq(String coupleId) {
    checkId(coupleId, "coupleId");
    try (Connection c = connection()) {
      return Messages.latestSeq(c, coupleId);
    } catch (SQLException e) {
      throw new StoreException("cannot read couple " + coupleId + ": " + e.getMessage(), e);
    }
  }

  /** SQLSTATE of a unique constraint violation (H2 and PostgreSQL alike). */
  private static final String UNIQUE_VIOLATION = "23505";

  @Override
  public void setReadMarker(String coupleId, String userId, long seq) {
    checkId(coupleId, "coupleId");
    checkId(userId, "userId");
    checkSeq(seq, "seq");
    try (Connection c = connection()) {
      try {
        Messages.upsertReadMarker(c, dialect, coupleId, userId, seq);
      } catch (SQLException e) {
        if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
          throw e;
        }
        // H2's MERGE is not atomic: two first markers of one user (two devices) can both try the
        // insert. The row exists now, so the second attempt is a plain forward-only update.
        Messages.upsertReadMarker(c, dialect, coupleId, userId, seq);
      }
      dialect.afterCommit(c);
    } catch (SQLException e) {
      throw new StoreException("cannot set read marker in couple " + coupleId + ": "
          + e.getMessage(), e);
    }
  }

  @Override
  public List<String> coupleMembers(String coupleId) {
    checkId(coupleId, "coupleId");
    try (Connection c = connection()) {
      return Messages.coupleMembers(c, coupleId);
    } catch (SQLException e) {
      throw new StoreException("cannot read members of couple " + coupleId + ": " + e.getMessage(), e);
    }
  }

  @Override
  public List<String> admitCoupleMember(String coupleId, String userId) {
    checkId(coupleId, "coupleId");
    checkId(userId, "userId");
    try (Connection c = connection()) {
      // Each round either finds the answer or loses a race for a slot (unique violation) and
      // reads again; the third read sees both slots taken or the user in one.
      for (int round = 0; ; round++) {
        List<String> members = Messages.coupleMembers(c, coupleId);
        if (members.contains(userId) || members.size() >= 2 || round == 2) {
          return members;
        }
        try {
          Messages.addCoupleMember(c, coupleId, members.size() + 1, userId, System.currentTimeMillis());
          dialect.afterCommit(c);
        } catch (SQLException e) {
          if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
            throw e;
          }
        }
      }
    } catch (SQLException e) {
      throw new StoreException("cannot admit a member to couple " + coupleId + ": " + e.getMessage(), e);
    }
  }

  @Override
  public Map<String, Long> readMarkers(String coupleId) {
    checkId(coupleId, "coupleId");
    try (Connection c = connection()) {
      return Messages.readMarkers(c, coupleId);
    } catch (SQLException e) {
      throw new StoreException("cannot read markers of couple " + coupleId + ": "
          + e.getMessage(), e);
    }
  }

  @Override
  public void forgetCouple(String coupleId) {
    cache.forget(requireNonNull(coupleId, "coupleId"));
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      committer.close();
    } finally {
      dataSource.close();
      metrics.remove();
    }
  }

  private Connection connection() throws SQLException {
    if (closed.get()) {
      throw new StoreException("store is closed");
    }
    return dataSource.getConnection();
  }

  @Override
  public String toString() {
    return "JdbcMessageStore[" + dialect.meterTag() + ", " + dataSource.getJdbcUrl() + "]";
  }
}
