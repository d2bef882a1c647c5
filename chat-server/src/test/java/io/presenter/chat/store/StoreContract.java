package io.presenter.chat.store;

import static io.presenter.chat.store.StoreTesting.message;
import static io.presenter.chat.store.StoreTesting.newCouple;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;

/**
 * The harness of the contract tests ({@link AppendContract}, {@link ReadAndLifecycleContract}):
 * opens stores on the database a subclass describes, each with its own meter registry, and closes
 * them after each test. Tests use fresh random couple ids, so they can share a persistent database.
 */
abstract class StoreContract {

  static final Duration WAIT = Duration.ofSeconds(30);

  private final List<MessageStore> opened = new ArrayList<>();
  private final Map<MessageStore, MeterRegistry> registries = new IdentityHashMap<>();

  /** The database under test; every call describes the same database. */
  abstract StoreConfig config();

  /** A plain connection to the database under test, for reaching around the store. */
  abstract Connection rawConnection() throws SQLException;

  MessageStore open() {
    return open(config());
  }

  MessageStore open(StoreConfig config) {
    MeterRegistry registry = new SimpleMeterRegistry();
    MessageStore store = MessageStores.open(config, registry);
    opened.add(store);
    registries.put(store, registry);
    return store;
  }

  double counter(MessageStore store, String name) {
    return registries.get(store).get(name).counter().count();
  }

  double queueDepth(MessageStore store) {
    return registries.get(store).get("presenter.store.queue.depth").gauge().value();
  }

  @AfterEach
  void closeStores() {
    opened.forEach(MessageStore::close);
  }

  static AppendResult join(CompletableFuture<AppendResult> f) {
    return f.orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
  }

  static Throwable failure(CompletableFuture<AppendResult> f) {
    assertThatThrownBy(() -> join(f)).isInstanceOf(CompletionException.class);
    return f.handle((r, e) -> e instanceof CompletionException ? e.getCause() : e).join();
  }

  /**
   * Holds the committer inside a commit: an open transaction of a raw connection inserts
   * {@code (couple, 1)}, and the store's own insert of that row waits for it. While the blocker
   * is held, appends stay queued; {@link #release()} rolls the raw transaction back, which lets
   * the committer's message through as seq 1.
   */
  final class CommitterBlocker {
    private final Connection raw;
    private final CompletableFuture<AppendResult> held;

    CommitterBlocker(MessageStore store) {
      String couple = newCouple();
      try {
        raw = rawConnection();
        raw.setAutoCommit(false);
        try (PreparedStatement ps = raw.prepareStatement("INSERT INTO messages (couple_id, seq,"
            + " sender_id, sender_device_id, client_message_id, kind, body, timestamp_millis)"
            + " VALUES (?, 1, 'blocker', 'blocker', 'raw', 0, ?, 0)")) {
          ps.setString(1, couple);
          ps.setBytes(2, new byte[0]);
          ps.executeUpdate();
        }
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
      held = store.append(message(couple, "blocker", "held"));
      await().atMost(WAIT).until(() -> queueDepth(store) == 0);
      // The committer has taken the message; give its insert no chance to finish.
      assertThat(held).isNotDone();
    }

    void release() {
      try {
        raw.rollback();
        raw.close();
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
      assertThat(StoreContract.join(held).seq()).isEqualTo(1);
    }
  }
}
