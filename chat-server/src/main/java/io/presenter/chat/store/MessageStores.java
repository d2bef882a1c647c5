package io.presenter.chat.store;

import static java.util.Objects.requireNonNull;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens {@link MessageStore}s.
 *
 * <h2>Embedded (H2)</h2>
 * The database is the file {@code messages.mv.db} in the data dir (created if missing), opened
 * as {@code jdbc:h2:file:<dataDir>/messages;WRITE_DELAY=0;LOCK_TIMEOUT=10000}. What H2 does by
 * default is not enough: with its {@code WRITE_DELAY} of 500 ms a commit returns before it is
 * written, so a killed process loses the last half second of acknowledged messages, and H2 never
 * forces the file to disk on commit. So {@code WRITE_DELAY=0} makes every commit write its changes
 * to the file before it returns (that survives a killed process), and after each group commit,
 * before any future completes, the store runs {@code CHECKPOINT SYNC}, which writes what is
 * pending and forces the file to disk ({@code FileChannel.force}; that survives a crashed machine,
 * given a disk that honours it). The fsync is paid once per batch. H2 locks the file, so one
 * process at a time; stores opened on the same dir within one process share one database.
 *
 * <h2>PostgreSQL</h2>
 * A HikariCP pool of {@link StoreConfig#poolSize()} connections. Commits are durable as long as
 * the server runs with {@code synchronous_commit} on (its default); the store logs a warning at
 * open if it is off. Concurrent openers of one database wait for each other's migration.
 *
 * <p>Both: the schema is migrated before the store is returned (see {@link SchemaMigrator}).
 *
 * <h2>Metrics</h2>
 * The store registers its meters in the given registry, tagged {@code backend=h2|postgresql}, and
 * removes them on close; open at most one store per registry and backend. As Prometheus names:
 * <ul>
 *   <li>{@code presenter_store_commit_seconds} (histogram): latency of each committed transaction
 *       (one group commit), from taking a connection to the durable commit;
 *   <li>{@code presenter_store_batch_size}: messages per committed transaction;
 *   <li>{@code presenter_store_appended_total}: messages stored;
 *   <li>{@code presenter_store_duplicates_total}: resends answered with the original;
 *   <li>{@code presenter_store_conflicts_total}: appends failed with
 *       {@link SequenceConflictException};
 *   <li>{@code presenter_store_overloaded_total}: appends refused with
 *       {@link StoreOverloadedException};
 *   <li>{@code presenter_store_failures_total}: appends failed for any other reason;
 *   <li>{@code presenter_store_queue_depth}: appends waiting for the committer.
 * </ul>
 */
public final class MessageStores {

  private static final Logger log = LoggerFactory.getLogger(MessageStores.class);
  private static final long CONNECTION_TIMEOUT_MILLIS = 10_000;
  /** How long an H2 statement waits for a row another transaction holds (two stores, one dir). */
  private static final long H2_LOCK_TIMEOUT_MILLIS = 10_000;

  private MessageStores() {}

  /**
   * Opens the store described by {@code config}, migrating its schema.
   *
   * @throws StoreException if the database cannot be opened or migrated
   */
  public static MessageStore open(StoreConfig config, MeterRegistry registry) {
    requireNonNull(config, "config");
    requireNonNull(registry, "registry");
    Dialect dialect;
    HikariConfig hikari = new HikariConfig();
    if (config.backend() == StoreConfig.Backend.EMBEDDED) {
      dialect = Dialect.H2;
      try {
        Files.createDirectories(config.dataDir());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create store data dir " + config.dataDir(), e);
      }
      hikari.setJdbcUrl(h2Url(config.dataDir()));
      hikari.setUsername("sa");
      hikari.setPassword("");
    } else {
      dialect = Dialect.POSTGRESQL;
      hikari.setJdbcUrl(config.jdbcUrl());
      hikari.setUsername(config.user());
      hikari.setPassword(config.password());
    }
    hikari.setPoolName("presenter-store-" + dialect.meterTag());
    hikari.setMaximumPoolSize(config.poolSize());
    hikari.setMinimumIdle(1);
    hikari.setConnectionTimeout(CONNECTION_TIMEOUT_MILLIS);
    hikari.setInitializationFailTimeout(CONNECTION_TIMEOUT_MILLIS);

    HikariDataSource dataSource;
    try {
      dataSource = new HikariDataSource(hikari);
    } catch (RuntimeException e) {
      throw new StoreException("cannot connect to the " + dialect.meterTag() + " store at "
          + withoutParameters(hikari.getJdbcUrl()) + ": " + e.getMessage(), e);
    }
    try (Connection c = dataSource.getConnection()) {
      new SchemaMigrator(dialect).migrate(c);
      if (dialect == Dialect.POSTGRESQL) {
        warnIfAsynchronousCommit(c);
      }
    } catch (SQLException | RuntimeException e) {
      dataSource.close();
      throw new StoreException("cannot open the " + dialect.meterTag() + " store at "
          + withoutParameters(hikari.getJdbcUrl()) + ": " + e.getMessage(), e);
    }
    try {
      JdbcMessageStore store = new JdbcMessageStore(dataSource, dialect, config, registry);
      log.info("store connected: {} at {}, pool of {}", dialect.meterTag(), withoutParameters(hikari.getJdbcUrl()),
          config.poolSize());
      return store;
    } catch (RuntimeException e) {
      dataSource.close();
      throw e;
    }
  }

  /** The JDBC URL of the embedded database in {@code dataDir}. */
  static String h2Url(Path dataDir) {
    return "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("messages")
        + ";WRITE_DELAY=0;LOCK_TIMEOUT=" + H2_LOCK_TIMEOUT_MILLIS;
  }

  /** A JDBC URL without its parameters (they may hold a password) nor user info, for the log. */
  static String withoutParameters(String url) {
    int end = url.length();
    for (char c : new char[] {'?', ';'}) {
      int i = url.indexOf(c);
      if (i >= 0 && i < end) {
        end = i;
      }
    }
    return url.substring(0, end).replaceFirst("//[^/@]*@", "//");
  }

  private static void warnIfAsynchronousCommit(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SHOW synchronous_commit")) {
      if (rs.next() && "off".equalsIgnoreCase(rs.getString(1))) {
        log.warn("PostgreSQL runs with synchronous_commit=off: acknowledged messages can be lost"
            + " in a database crash");
      }
    }
  }
}
