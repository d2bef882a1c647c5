package io.presenter.chat.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * What differs between the databases; all other SQL is shared (see {@link Sql}).
 *
 * <p>Both schemas are keyed by couple first: {@code messages} has the primary key
 * {@code (couple_id, seq)} and a unique key {@code (couple_id, sender_id, client_message_id)},
 * {@code read_markers} the primary key {@code (couple_id, user_id)}, and no statement touches more
 * than one couple, so the tables can later be sharded by couple. On PostgreSQL {@code messages} is
 * hash-partitioned by {@code couple_id} into {@value #PARTITIONS} partitions.
 */
enum Dialect {

  /**
   * Embedded H2 (MVStore). H2 commits on every DDL statement, so its migrations cannot run in one
   * transaction; they are written to be idempotent ({@code IF NOT EXISTS}) instead, which makes
   * re-running a half-applied one harmless.
   */
  H2("h2") {
    @Override
    List<Migration> migrations() {
      return List.of(new Migration(1, "messages and read markers", List.of(
          "CREATE TABLE IF NOT EXISTS messages (" + messageColumns("VARBINARY("
              + StoreLimits.MAX_BODY_BYTES + ")") + ")",
          "CREATE TABLE IF NOT EXISTS read_markers (" + READ_MARKER_COLUMNS + ")")),
          COUPLE_MEMBERS);
    }

    @Override
    String upsertReadMarker() {
      return "MERGE INTO read_markers t USING (VALUES (CAST(? AS VARCHAR(128)),"
          + " CAST(? AS VARCHAR(128)), CAST(? AS BIGINT))) s (couple_id, user_id, seq)"
          + " ON t.couple_id = s.couple_id AND t.user_id = s.user_id"
          + " WHEN MATCHED AND s.seq > t.seq THEN UPDATE SET seq = s.seq"
          + " WHEN NOT MATCHED THEN INSERT (couple_id, user_id, seq)"
          + " VALUES (s.couple_id, s.user_id, s.seq)";
    }

    /**
     * With {@code WRITE_DELAY=0} H2 writes every commit to the file before the commit returns,
     * which survives a killed process but not a crashed machine; {@code CHECKPOINT SYNC} then
     * forces the file to disk.
     */
    @Override
    void afterCommit(Connection connection) throws SQLException {
      try (Statement s = connection.createStatement()) {
        s.execute("CHECKPOINT SYNC");
      }
    }
  },

  /** PostgreSQL; migrations run in one transaction under an advisory lock. */
  POSTGRESQL("postgresql") {
    @Override
    List<Migration> migrations() {
      List<String> v1 = new ArrayList<>();
      v1.add("CREATE TABLE IF NOT EXISTS messages (" + messageColumns("BYTEA")
          + ") PARTITION BY HASH (couple_id)");
      for (int i = 0; i < PARTITIONS; i++) {
        v1.add(String.format("CREATE TABLE IF NOT EXISTS messages_p%02d PARTITION OF messages"
            + " FOR VALUES WITH (MODULUS %d, REMAINDER %d)", i, PARTITIONS, i));
      }
      v1.add("CREATE TABLE IF NOT EXISTS read_markers (" + READ_MARKER_COLUMNS + ")");
      return List.of(new Migration(1, "messages (hash-partitioned) and read markers", v1), COUPLE_MEMBERS);
    }

    @Override
    String upsertReadMarker() {
      return "INSERT INTO read_markers (couple_id, user_id, seq) VALUES (?, ?, ?)"
          + " ON CONFLICT (couple_id, user_id)"
          + " DO UPDATE SET seq = GREATEST(read_markers.seq, EXCLUDED.seq)";
    }

    /** Serializes concurrent openers of one database until the migration transaction ends. */
    @Override
    void lockForMigration(Connection connection) throws SQLException {
      try (Statement s = connection.createStatement()) {
        s.execute("SELECT pg_advisory_xact_lock(" + MIGRATION_LOCK_KEY + ")");
      }
    }
  };

  static final int PARTITIONS = 16;
  /** An arbitrary constant naming the advisory lock ("msgstore" in ASCII). */
  private static final long MIGRATION_LOCK_KEY = 0x6d736773746f7265L;

  /** The two users of each couple, in the order they first authenticated (slot 1, then 2). */
  private static final Migration COUPLE_MEMBERS = new Migration(2, "couple members", List.of(
      "CREATE TABLE IF NOT EXISTS couple_members ("
          + "couple_id VARCHAR(128) NOT NULL,"
          + " slot INT NOT NULL,"
          + " user_id VARCHAR(128) NOT NULL,"
          + " joined_at_millis BIGINT NOT NULL,"
          + " PRIMARY KEY (couple_id, slot),"
          + " UNIQUE (couple_id, user_id),"
          + " CHECK (slot IN (1, 2)))"));

  private static final String READ_MARKER_COLUMNS = "couple_id VARCHAR(128) NOT NULL,"
      + " user_id VARCHAR(128) NOT NULL,"
      + " seq BIGINT NOT NULL,"
      + " PRIMARY KEY (couple_id, user_id)";

  private final String meterTag;

  Dialect(String meterTag) {
    this.meterTag = meterTag;
  }

  /** The {@code backend} tag on the store's meters. */
  String meterTag() {
    return meterTag;
  }

  /** The schema's history, oldest first, versions 1, 2, 3, ... */
  abstract List<Migration> migrations();

  /** Upsert keeping the larger seq; parameters: couple id, user id, seq. */
  abstract String upsertReadMarker();

  /** Called first in the migration transaction. */
  void lockForMigration(Connection connection) throws SQLException {}

  /** Called after each successful commit, before anyone is told about it. */
  void afterCommit(Connection connection) throws SQLException {}

  private static String messageColumns(String bodyType) {
    return "couple_id VARCHAR(128) NOT NULL,"
        + " seq BIGINT NOT NULL,"
        + " sender_id VARCHAR(128) NOT NULL,"
        + " sender_device_id VARCHAR(128) NOT NULL,"
        + " client_message_id VARCHAR(64) NOT NULL,"
        + " kind INT NOT NULL,"
        + " body " + bodyType + " NOT NULL,"
        + " timestamp_millis BIGINT NOT NULL,"
        + " PRIMARY KEY (couple_id, seq),"
        + " UNIQUE (couple_id, sender_id, client_message_id)";
  }
}
