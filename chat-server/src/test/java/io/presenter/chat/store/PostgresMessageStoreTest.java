package io.presenter.chat.store;

import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.BeforeEach;

/**
 * The contract on PostgreSQL (see {@link PostgresTestDatabase} for which one, and when these
 * tests are skipped). The tests share the database's default schema and keep apart by couple id.
 */
class PostgresMessageStoreTest extends MessageStoreContractTest {

  @BeforeEach
  void requirePostgres() {
    PostgresTestDatabase.assumeReachable();
  }

  @Override
  StoreConfig config() {
    return PostgresTestDatabase.config();
  }

  @Override
  Connection rawConnection() throws SQLException {
    return PostgresTestDatabase.connect(PostgresTestDatabase.URL);
  }
}
