package io.presenter.chat.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.junit.jupiter.api.io.TempDir;

/** The contract on the embedded H2 store; every test gets an empty data dir. */
class H2MessageStoreTest extends MessageStoreContractTest {

  @TempDir
  Path dataDir;

  @Override
  StoreConfig config() {
    return StoreConfig.embedded(dataDir);
  }

  @Override
  Connection rawConnection() throws SQLException {
    return DriverManager.getConnection(MessageStores.h2Url(dataDir), "sa", "");
  }
}
