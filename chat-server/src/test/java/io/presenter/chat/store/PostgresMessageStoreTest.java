package io.presenter.chat.store;

import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;

/**
 * The store contract on PostgreSQL (see {@link PostgresTestDatabase} for which one, and when these
 * tests are skipped). Each test gets a new, empty schema, dropped afterwards, so test runs of
 * different schema versions never share tables.
 */
class PostgresMessageStoreTest {
  private String url;
  private String schema;

  @BeforeEach
  void newSchema() throws SQLException {
    PostgresTestDatabase.assumeReachable();
    schema = PostgresTestDatabase.createSchema();
    url = PostgresTestDatabase.urlFor(schema);
  }

  @AfterEach
  void dropSchema() throws SQLException {
    if (schema != null) {
      PostgresTestDatabase.dropSchema(schema);
    }
  }

  private StoreConfig config() {
    return StoreConfig.postgresql(url, PostgresTestDatabase.USER, PostgresTestDatabase.PASSWORD);
  }

  @Nested
  class Appends extends AppendContract {
    @Override
    StoreConfig config() {
      return PostgresMessageStoreTest.this.config();
    }

    @Override
    Connection rawConnection() throws SQLException {
      return PostgresTestDatabase.connect(url);
    }
  }

  @Nested
  class ReadsAndLifecycle extends ReadAndLifecycleContract {
    @Override
    StoreConfig config() {
      return PostgresMessageStoreTest.this.config();
    }

    @Override
    Connection rawConnection() throws SQLException {
      return PostgresTestDatabase.connect(url);
    }
  }
}
