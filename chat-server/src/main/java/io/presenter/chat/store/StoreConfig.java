package io.presenter.chat.store;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/**
 * How to open a {@link MessageStore}: which database, and the store's bounds. Build one with
 * {@link #embedded} or {@link #postgresql} and adjust it with the {@code with*} methods.
 *
 * @param backend which database
 * @param dataDir {@link Backend#EMBEDDED} only: the directory holding the H2 database file
 * @param jdbcUrl {@link Backend#POSTGRESQL} only: for example
 *     {@code jdbc:postgresql://db:5432/presenter}
 * @param user {@link Backend#POSTGRESQL} only: the database role
 * @param password {@link Backend#POSTGRESQL} only: its password (never printed by
 *     {@link #toString()})
 * @param poolSize the number of pooled connections: one for the committer, the rest for reads
 * @param queueCapacity the most appends waiting for a commit; beyond that appends fail with
 *     {@link StoreOverloadedException}
 * @param maxQueuedBytes the most body bytes waiting for a commit (at least
 *     {@link StoreLimits#MAX_BODY_BYTES}); beyond that appends fail the same way
 * @param maxBatchSize the most appends committed in one transaction
 * @param maxCachedCouples the most couples whose latest sequence number is cached; beyond that
 *     arbitrary entries are dropped (and read again from the database when needed)
 */
public record StoreConfig(Backend backend, Path dataDir, String jdbcUrl, String user,
    String password, int poolSize, int queueCapacity, long maxQueuedBytes, int maxBatchSize,
    int maxCachedCouples) {

  /** Which database backs the store. */
  public enum Backend {
    /** H2 in file mode inside the chat server process; needs no installation. */
    EMBEDDED,
    /** PostgreSQL over JDBC with a HikariCP pool. */
    POSTGRESQL
  }

  public static final int DEFAULT_EMBEDDED_POOL_SIZE = 4;
  public static final int DEFAULT_POSTGRESQL_POOL_SIZE = 8;
  public static final int DEFAULT_QUEUE_CAPACITY = 10_000;
  public static final long DEFAULT_MAX_QUEUED_BYTES = 64L << 20;
  public static final int DEFAULT_MAX_BATCH_SIZE = 256;
  public static final int DEFAULT_MAX_CACHED_COUPLES = 1_000_000;

  public StoreConfig {
    requireNonNull(backend, "backend");
    if (backend == Backend.EMBEDDED) {
      requireNonNull(dataDir, "dataDir");
      if (jdbcUrl != null || user != null || password != null) {
        throw new IllegalArgumentException("the embedded store takes no JDBC settings");
      }
    } else {
      requireNonNull(jdbcUrl, "jdbcUrl");
      requireNonNull(user, "user");
      requireNonNull(password, "password");
      if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
        throw new IllegalArgumentException("not a PostgreSQL JDBC URL: " + jdbcUrl);
      }
      if (dataDir != null) {
        throw new IllegalArgumentException("the PostgreSQL store takes no data dir");
      }
    }
    positive(poolSize, "poolSize");
    positive(queueCapacity, "queueCapacity");
    if (maxQueuedBytes < StoreLimits.MAX_BODY_BYTES) {
      throw new IllegalArgumentException("maxQueuedBytes must be at least "
          + StoreLimits.MAX_BODY_BYTES + ", is " + maxQueuedBytes);
    }
    positive(maxBatchSize, "maxBatchSize");
    positive(maxCachedCouples, "maxCachedCouples");
  }

  /** The embedded H2 store keeping its file {@code messages.mv.db} in {@code dataDir}. */
  public static StoreConfig embedded(Path dataDir) {
    return new StoreConfig(Backend.EMBEDDED, dataDir, null, null, null, DEFAULT_EMBEDDED_POOL_SIZE,
        DEFAULT_QUEUE_CAPACITY, DEFAULT_MAX_QUEUED_BYTES, DEFAULT_MAX_BATCH_SIZE,
        DEFAULT_MAX_CACHED_COUPLES);
  }

  /** A PostgreSQL store. */
  public static StoreConfig postgresql(String jdbcUrl, String user, String password) {
    return new StoreConfig(Backend.POSTGRESQL, null, jdbcUrl, user, password,
        DEFAULT_POSTGRESQL_POOL_SIZE, DEFAULT_QUEUE_CAPACITY, DEFAULT_MAX_QUEUED_BYTES,
        DEFAULT_MAX_BATCH_SIZE, DEFAULT_MAX_CACHED_COUPLES);
  }

  public StoreConfig withPoolSize(int poolSize) {
    return new StoreConfig(backend, dataDir, jdbcUrl, user, password, poolSize, queueCapacity,
        maxQueuedBytes, maxBatchSize, maxCachedCouples);
  }

  public StoreConfig withQueueCapacity(int queueCapacity) {
    return new StoreConfig(backend, dataDir, jdbcUrl, user, password, poolSize, queueCapacity,
        maxQueuedBytes, maxBatchSize, maxCachedCouples);
  }

  public StoreConfig withMaxQueuedBytes(long maxQueuedBytes) {
    return new StoreConfig(backend, dataDir, jdbcUrl, user, password, poolSize, queueCapacity,
        maxQueuedBytes, maxBatchSize, maxCachedCouples);
  }

  public StoreConfig withMaxBatchSize(int maxBatchSize) {
    return new StoreConfig(backend, dataDir, jdbcUrl, user, password, poolSize, queueCapacity,
        maxQueuedBytes, maxBatchSize, maxCachedCouples);
  }

  public StoreConfig withMaxCachedCouples(int maxCachedCouples) {
    return new StoreConfig(backend, dataDir, jdbcUrl, user, password, poolSize, queueCapacity,
        maxQueuedBytes, maxBatchSize, maxCachedCouples);
  }

  /** Like the record's, with the password (also one in the URL) masked. */
  @Override
  public String toString() {
    String url = jdbcUrl == null ? null : jdbcUrl.replaceAll("(?i)(password=)[^&;]*", "$1****");
    return "StoreConfig[backend=" + backend + ", dataDir=" + dataDir + ", jdbcUrl=" + url
        + ", user=" + user + ", password=" + (password == null ? null : "****")
        + ", poolSize=" + poolSize + ", queueCapacity=" + queueCapacity
        + ", maxQueuedBytes=" + maxQueuedBytes
        + ", maxBatchSize=" + maxBatchSize + ", maxCachedCouples=" + maxCachedCouples + "]";
  }

  private static void positive(int value, String what) {
    if (value <= 0) {
      throw new IllegalArgumentException(what + " must be positive, is " + value);
    }
  }
}
