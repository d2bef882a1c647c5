package io.presenter.chat.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The PostgreSQL schema, each test in a new, empty schema that is dropped afterwards. */
class PostgresSchemaTest {

  private String schema;
  private String url;

  @BeforeEach
  void createSchema() throws SQLException {
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

  @Test
  void concurrentOpenersMigrateOnce() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<MessageStore> stores = new ArrayList<>();
    try {
      List<Future<MessageStore>> opening = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        opening.add(pool.submit(() -> MessageStores.open(config(), new SimpleMeterRegistry())));
      }
      for (Future<MessageStore> f : opening) {
        stores.add(f.get(60, TimeUnit.SECONDS));
      }
    } finally {
      stores.forEach(MessageStore::close);
      pool.shutdownNow();
    }
    assertThat(query("SELECT version FROM schema_version ORDER BY version")).containsExactly("1", "2");
  }

  @Test
  void messagesArePartitionedByCoupleHash() throws SQLException {
    String couple = StoreTesting.newCouple();
    try (MessageStore store = MessageStores.open(config(), new SimpleMeterRegistry())) {
      store.append(StoreTesting.message(couple, "alice", "m1")).join();
    }
    assertThat(query("SELECT partstrat FROM pg_partitioned_table"
        + " WHERE partrelid = 'messages'::regclass")).containsExactly("h");
    assertThat(query("SELECT count(*) FROM pg_inherits WHERE inhparent = 'messages'::regclass"))
        .containsExactly(String.valueOf(Dialect.PARTITIONS));
    // The row landed in exactly one partition.
    assertThat(query("SELECT count(DISTINCT tableoid) FROM messages")).containsExactly("1");
  }

  private List<String> query(String sql) throws SQLException {
    try (Connection c = PostgresTestDatabase.connect(url); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      List<String> out = new ArrayList<>();
      while (rs.next()) {
        out.add(rs.getString(1));
      }
      return out;
    }
  }
}
