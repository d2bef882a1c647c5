package io.presenter.chat.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What is particular to the embedded store, and the metric names. */
class H2StoreTest {

  @TempDir
  Path dataDir;

  @Test
  void keepsItsFileInTheDataDirAndCreatesTheDir() {
    Path dir = dataDir.resolve("a/b");
    try (MessageStore store = MessageStores.open(StoreConfig.embedded(dir),
        new SimpleMeterRegistry())) {
      store.append(StoreTesting.message(StoreTesting.newCouple(), "alice", "m1")).join();
    }
    assertThat(dir.resolve("messages.mv.db")).isRegularFile();
  }

  @Test
  void refusesASchemaNewerThanItKnows() throws SQLException {
    MessageStores.open(StoreConfig.embedded(dataDir), new SimpleMeterRegistry()).close();
    try (Connection c = DriverManager.getConnection(MessageStores.h2Url(dataDir), "sa", "");
        Statement s = c.createStatement()) {
      s.execute("INSERT INTO schema_version VALUES (99, 'from the future', 0)");
    }
    assertThatThrownBy(() -> MessageStores.open(StoreConfig.embedded(dataDir),
        new SimpleMeterRegistry()))
        .isInstanceOf(StoreException.class).hasMessageContaining("version 99");
  }

  @Test
  void publishesTheDocumentedPrometheusNamesAndRemovesThemOnClose() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    String couple = StoreTesting.newCouple();
    try (MessageStore store = MessageStores.open(StoreConfig.embedded(dataDir), registry)) {
      store.append(StoreTesting.message(couple, "alice", "m1")).join();
      store.append(StoreTesting.message(couple, "alice", "m1")).join();
      String scrape = registry.scrape();
      assertThat(scrape).contains(
          "presenter_store_commit_seconds_bucket{backend=\"h2\"",
          "presenter_store_commit_seconds_count{backend=\"h2\"} 1",
          "presenter_store_batch_size_count{backend=\"h2\"} 1",
          "presenter_store_appended_total{backend=\"h2\"} 1",
          "presenter_store_duplicates_total{backend=\"h2\"} 1",
          "presenter_store_conflicts_total{backend=\"h2\"} 0",
          "presenter_store_overloaded_total{backend=\"h2\"} 0",
          "presenter_store_failures_total{backend=\"h2\"} 0",
          "presenter_store_queue_depth{backend=\"h2\"} 0");
    }
    assertThat(registry.scrape()).doesNotContain("presenter_store");
  }

  @Test
  void configRejectsMixedSettingsAndHidesThePassword() {
    assertThatThrownBy(() -> StoreConfig.embedded(dataDir).withQueueCapacity(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> StoreConfig.postgresql("jdbc:h2:mem:x", "u", "p"))
        .isInstanceOf(IllegalArgumentException.class);
    StoreConfig pg = StoreConfig.postgresql("jdbc:postgresql://db/x?password=secret&ssl=true",
        "u", "secret");
    assertThat(pg.toString()).doesNotContain("secret").contains("ssl=true");
    assertThat(pg.queueCapacity()).isEqualTo(10_000);
    assertThat(pg.maxBatchSize()).isEqualTo(256);
  }
}
