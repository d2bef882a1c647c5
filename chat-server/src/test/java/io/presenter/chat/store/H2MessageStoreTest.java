package io.presenter.chat.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on the embedded H2 store; every test gets an empty data dir. */
class H2MessageStoreTest {

  @TempDir
  Path dataDir;

  StoreConfig config() {
    return StoreConfig.embedded(dataDir);
  }

  Connection rawConnection() throws SQLException {
    return DriverManager.getConnection(MessageStores.h2Url(dataDir), "sa", "");
  }

  @Nested
  class Appends extends AppendContract {
    @Override
    StoreConfig config() {
      return H2MessageStoreTest.this.config();
    }

    @Override
    Connection rawConnection() throws SQLException {
      return H2MessageStoreTest.this.rawConnection();
    }
  }

  @Nested
  class ReadsAndLifecycle extends ReadAndLifecycleContract {
    @Override
    StoreConfig config() {
      return H2MessageStoreTest.this.config();
    }

    @Override
    Connection rawConnection() throws SQLException {
      return H2MessageStoreTest.this.rawConnection();
    }
  }
}
