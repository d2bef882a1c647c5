package io.presenter.chat.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the schema up to date when a store opens: reads the version from {@code schema_version}
 * (0 for an empty database), applies the newer {@link Dialect#migrations()} in order, and records
 * each one. Everything runs in one transaction after {@link Dialect#lockForMigration}, so on
 * PostgreSQL concurrent openers wait for each other and a failed migration leaves nothing behind.
 * Re-opening an up-to-date database changes nothing.
 */
final class SchemaMigrator {

  private static final Logger log = LoggerFactory.getLogger(SchemaMigrator.class);

  private final Dialect dialect;

  SchemaMigrator(Dialect dialect) {
    this.dialect = dialect;
  }

  /** Migrates; returns the schema version now in force. */
  int migrate(Connection connection) throws SQLException {
    List<Migration> migrations = dialect.migrations();
    int target = migrations.get(migrations.size() - 1).version();
    boolean autoCommit = connection.getAutoCommit();
    connection.setAutoCommit(false);
    try {
      dialect.lockForMigration(connection);
      try (Statement s = connection.createStatement()) {
        s.execute(Sql.CREATE_SCHEMA_VERSION);
      }
      int current = currentVersion(connection);
      if (current > target) {
        throw new SQLException("the database schema is at version " + current
            + ", newer than this server knows (" + target + "); refusing to use it");
      }
      for (Migration m : migrations) {
        if (m.version() > current) {
          apply(connection, m);
        }
      }
      connection.commit();
      if (current < target) {
        log.info("store schema migrated from version {} to {}", current, target);
      }
      return target;
    } catch (SQLException | RuntimeException e) {
      connection.rollback();
      throw e;
    } finally {
      connection.setAutoCommit(autoCommit);
    }
  }

  private static int currentVersion(Connection connection) throws SQLException {
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery(Sql.SCHEMA_VERSION)) {
      rs.next();
      return rs.getInt(1);
    }
  }

  private static void apply(Connection connection, Migration m) throws SQLException {
    try (Statement s = connection.createStatement()) {
      for (String sql : m.statements()) {
        s.execute(sql);
      }
    }
    try (PreparedStatement ps = connection.prepareStatement(Sql.RECORD_VERSION)) {
      ps.setInt(1, m.version());
      ps.setString(2, m.description());
      ps.setLong(3, System.currentTimeMillis());
      ps.setInt(4, m.version());
      ps.executeUpdate();
    }
  }
}
