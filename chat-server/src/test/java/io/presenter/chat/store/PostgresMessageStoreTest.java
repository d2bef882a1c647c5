package io.presenter.chat.store;

import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;

/**
 * The store contract on PostgreSQL (see {@link PostgresTestDatabase} for which one, and when these
 * tests are skipped). The tests share the database's default schema and keep apart by couple id.
 */
class PostgresMessageStoreTest {

  @BeforeEach
  void requirePostgres() {
    PostgresTestDatabase.assumeReachable();
  }

  @Nested
  class Appends extends AppendContract {
    @Override
    StoreConfig config() {
      return PostgresTestDatabase.config();
    }

    @Override
    Connection rawConnection() throws SQLException {
      return PostgresTestDatabase.connect(PostgresTestDatabase.URL);
    }
  }

  @Nested
  class ReadsAndLifecycle extends ReadAndLifecycleContract {
    @Override
    StoreConfig config() {
      return PostgresTestDatabase.config();
    }

    @Override
    Connection rawConnection() throws SQLException {
      return PostgresTestDatabase.connect(PostgresTestDatabase.URL);
    }
  }
}
