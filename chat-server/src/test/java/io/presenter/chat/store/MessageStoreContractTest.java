package io.presenter.chat.store;

import static io.presenter.chat.store.StoreTesting.message;
import static io.presenter.chat.store.StoreTesting.newCouple;
import static io.presenter.chat.store.StoreTesting.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link MessageStore} promises, run against each real database by a subclass. Tests
 * use fresh random couple ids, so they can share a persistent database.
 */
abstract class MessageStoreContractTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

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

  @Test
  void assignsGaplessSeqsInAppendOrderUnderConcurrentAppenders() throws Exception {
    MessageStore store = open();
    int threads = 8;
    int couplesPerThread = 4;
    int perCouple = 40;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    Map<String, List<CompletableFuture<AppendResult>>> results = new HashMap<>();
    try {
      List<Future<Map<String, List<CompletableFuture<AppendResult>>>>> work = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        work.add(pool.submit(() -> {
          Map<String, List<CompletableFuture<AppendResult>>> mine = new HashMap<>();
          List<String> couples = new ArrayList<>();
          for (int c = 0; c < couplesPerThread; c++) {
            couples.add(newCouple());
          }
          // Round-robin over this thread's couples without waiting, so batches mix couples.
          for (int i = 1; i <= perCouple; i++) {
            for (String couple : couples) {
              mine.computeIfAbsent(couple, k -> new ArrayList<>())
                  .add(store.append(message(couple, "alice", "m" + i)));
            }
          }
          return mine;
        }));
      }
      for (Future<Map<String, List<CompletableFuture<AppendResult>>>> f : work) {
        results.putAll(f.get(30, TimeUnit.SECONDS));
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(results).hasSize(threads * couplesPerThread);
    for (Map.Entry<String, List<CompletableFuture<AppendResult>>> e : results.entrySet()) {
      List<Long> seqs = e.getValue().stream().map(f -> join(f).seq()).toList();
      assertThat(seqs).as("seqs of %s in append order", e.getKey())
          .containsExactlyElementsOf(LongStream.rangeClosed(1, perCouple).boxed().toList());
      List<StoredMessage> stored = store.readAfter(e.getKey(), 0, StoreLimits.MAX_READ_LIMIT);
      assertThat(stored).extracting(StoredMessage::clientMessageId).containsExactlyElementsOf(
          LongStream.rangeClosed(1, perCouple).mapToObj(i -> "m" + i).toList());
      assertThat(store.latestSeq(e.getKey())).isEqualTo(perCouple);
    }
    assertThat(counter(store, "presenter.store.appended"))
        .isEqualTo(threads * couplesPerThread * perCouple);
  }

  @Test
  void resendReturnsTheOriginalAndConsumesNoSeq() {
    MessageStore store = open();
    String couple = newCouple();
    AppendResult first = join(store.append(message(couple, "alice", "m1", 1000)));
    assertThat(first).isEqualTo(new AppendResult(1, 1000, false));
    assertThat(join(store.append(message(couple, "alice", "m2", 2000))).seq()).isEqualTo(2);

    AppendRequest resend = new AppendRequest(couple, "alice", "alice-tablet", "m1", 7,
        "changed".getBytes(StandardCharsets.UTF_8), 5000);
    assertThat(join(store.append(resend))).isEqualTo(new AppendResult(1, 1000, true));
    assertThat(join(store.append(message(couple, "alice", "m3"))).seq()).isEqualTo(3);
    // The same client message id from the partner is a different message.
    assertThat(join(store.append(message(couple, "bob", "m1")))).extracting(AppendResult::seq,
        AppendResult::duplicate).containsExactly(4L, false);

    List<StoredMessage> stored = store.readAfter(couple, 0, 10);
    assertThat(stored).extracting(StoredMessage::seq).containsExactly(1L, 2L, 3L, 4L);
    assertThat(text(stored.get(0))).isEqualTo("body of m1");
    assertThat(stored.get(0).senderDeviceId()).isEqualTo("alice-phone");
    assertThat(counter(store, "presenter.store.duplicates")).isEqualTo(1);
    assertThat(counter(store, "presenter.store.appended")).isEqualTo(4);
  }

  @Test
  void resendsInOneBatchAreAnsweredAsDuplicates() throws Exception {
    MessageStore store = open();
    String couple = newCouple();
    AppendResult stored = join(store.append(message(couple, "alice", "old", 10)));
    CompletableFuture<AppendResult> a;
    CompletableFuture<AppendResult> aAgain;
    CompletableFuture<AppendResult> old;
    CompletableFuture<AppendResult> b;
    CommitterBlocker blocker = new CommitterBlocker(store);
    try {
      a = store.append(message(couple, "alice", "a", 20));
      aAgain = store.append(message(couple, "alice", "a", 21));
      old = store.append(message(couple, "alice", "old", 22));
      b = store.append(message(couple, "alice", "b", 30));
    } finally {
      blocker.release();
    }
    assertThat(join(a)).isEqualTo(new AppendResult(2, 20, false));
    assertThat(join(aAgain)).isEqualTo(new AppendResult(2, 20, true));
    assertThat(join(old)).isEqualTo(new AppendResult(stored.seq(), 10, true));
    assertThat(join(b)).isEqualTo(new AppendResult(3, 30, false));
    assertThat(store.readAfter(couple, 0, 10)).extracting(StoredMessage::clientMessageId)
        .containsExactly("old", "a", "b");
  }

  @Test
  void committedMessagesSurviveCloseAndReopen() {
    String couple = newCouple();
    try (MessageStore store = open()) {
      for (int i = 1; i <= 5; i++) {
        join(store.append(message(couple, "alice", "m" + i)));
      }
      store.setReadMarker(couple, "bob", 4);
    }
    MessageStore reopened = open();
    assertThat(reopened.latestSeq(couple)).isEqualTo(5);
    assertThat(reopened.readAfter(couple, 0, 10)).extracting(StoredMessage::clientMessageId)
        .containsExactly("m1", "m2", "m3", "m4", "m5");
    assertThat(reopened.readMarkers(couple)).containsExactly(Map.entry("bob", 4L));
    assertThat(join(reopened.append(message(couple, "bob", "r1"))).seq()).isEqualTo(6);
    assertThat(join(reopened.append(message(couple, "alice", "m5"))))
        .isEqualTo(new AppendResult(5, 1_700_000_000_000L, true));
  }

  @Test
  void splitBrainLoserGetsConflictAndThenContinuesFromTheTrueLatest() {
    MessageStore a = open();
    MessageStore b = open();
    String couple = newCouple();
    assertThat(join(a.append(message(couple, "alice", "a1"))).seq()).isEqualTo(1);
    assertThat(join(a.append(message(couple, "alice", "a2"))).seq()).isEqualTo(2);
    assertThat(join(b.append(message(couple, "bob", "b1"))).seq()).isEqualTo(3);

    Throwable conflict = failure(a.append(message(couple, "alice", "a3")));
    assertThat(conflict).isInstanceOf(SequenceConflictException.class);
    assertThat(((SequenceConflictException) conflict).seq()).isEqualTo(3);
    assertThat(((SequenceConflictException) conflict).coupleId()).isEqualTo(couple);
    assertThat(counter(a, "presenter.store.conflicts")).isEqualTo(1);

    // The loser dropped its cache: the resend continues from the true latest.
    assertThat(join(a.append(message(couple, "alice", "a3"))).seq()).isEqualTo(4);
    assertThat(failure(b.append(message(couple, "bob", "b2"))))
        .isInstanceOf(SequenceConflictException.class);
    assertThat(join(b.append(message(couple, "bob", "b2"))).seq()).isEqualTo(5);
    assertThat(a.readAfter(couple, 0, 10)).extracting(StoredMessage::clientMessageId)
        .containsExactly("a1", "a2", "b1", "a3", "b2");
  }

  @Test
  void concurrentWritersToOneCoupleNeverCommitTheSameSeq() {
    MessageStore a = open();
    MessageStore b = open();
    String couple = newCouple();
    int each = 200;
    List<CompletableFuture<AppendResult>> fa = new ArrayList<>();
    List<CompletableFuture<AppendResult>> fb = new ArrayList<>();
    // Alternate, so that both committers always have work for the couple at the same time.
    for (int i = 0; i < each; i++) {
      fa.add(a.append(message(couple, "a", "a" + i)));
      fb.add(b.append(message(couple, "b", "b" + i)));
    }
    Map<Long, String> acked = new HashMap<>();
    collectAcks(fa, "a", acked);
    collectAcks(fb, "b", acked);

    List<StoredMessage> stored = a.readAfter(couple, 0, StoreLimits.MAX_READ_LIMIT);
    assertThat(stored).extracting(StoredMessage::seq).containsExactlyElementsOf(
        LongStream.rangeClosed(1, stored.size()).boxed().toList());
    assertThat(stored).hasSize(acked.size());
    for (StoredMessage m : stored) {
      assertThat(acked.get(m.seq())).as("ack for seq %d", m.seq()).isEqualTo(m.clientMessageId());
    }
    double conflicts =
        counter(a, "presenter.store.conflicts") + counter(b, "presenter.store.conflicts");
    System.out.printf("two writers, %d appends each: %d stored, %.0f conflicts%n", each,
        stored.size(), conflicts);
  }

  /** Records each successful ack; a seq acknowledged twice fails the test. */
  private static void collectAcks(List<CompletableFuture<AppendResult>> futures, String prefix,
      Map<Long, String> acked) {
    for (int i = 0; i < futures.size(); i++) {
      CompletableFuture<AppendResult> f = futures.get(i);
      AppendResult r;
      try {
        r = join(f);
      } catch (CompletionException e) {
        assertThat(e.getCause()).isInstanceOf(StoreException.class);
        continue;
      }
      assertThat(r.duplicate()).isFalse();
      String previous = acked.put(r.seq(), prefix + i);
      assertThat(previous).as("seq %d acknowledged twice", r.seq()).isNull();
    }
  }

  @Test
  void aFailingMessageDoesNotFailTheRestOfItsBatch() {
    MessageStore a = open();
    MessageStore b = open();
    String contested = newCouple();
    String quiet = newCouple();
    join(a.append(message(contested, "alice", "x1")));
    join(b.append(message(contested, "bob", "y1")));
    CompletableFuture<AppendResult> conflicting;
    CompletableFuture<AppendResult> q1;
    CompletableFuture<AppendResult> q2;
    CommitterBlocker blocker = new CommitterBlocker(a);
    try {
      q1 = a.append(message(quiet, "alice", "q1"));
      conflicting = a.append(message(contested, "alice", "x2"));
      q2 = a.append(message(quiet, "alice", "q2"));
    } finally {
      blocker.release();
    }
    assertThat(failure(conflicting)).isInstanceOf(SequenceConflictException.class);
    assertThat(join(q1).seq()).isEqualTo(1);
    assertThat(join(q2).seq()).isEqualTo(2);
    assertThat(join(a.append(message(contested, "alice", "x2"))).seq()).isEqualTo(3);
  }

  @Test
  void forgetCoupleMakesTheNextAppendReadTheDatabase() {
    MessageStore a = open();
    MessageStore b = open();
    String couple = newCouple();
    join(a.append(message(couple, "alice", "a1")));
    join(b.append(message(couple, "bob", "b1")));
    a.forgetCouple(couple);
    assertThat(join(a.append(message(couple, "alice", "a2")))).extracting(AppendResult::seq,
        AppendResult::duplicate).containsExactly(3L, false);
    assertThat(counter(a, "presenter.store.conflicts")).isZero();
  }

  @Test
  void readAfterPagesOldestFirst() {
    MessageStore store = open();
    String couple = newCouple();
    for (int i = 1; i <= 10; i++) {
      join(store.append(message(couple, i % 2 == 0 ? "bob" : "alice", "m" + i, 100 + i)));
    }
    join(store.append(message(newCouple(), "alice", "elsewhere")));
    List<Long> seen = new ArrayList<>();
    long after = 0;
    List<StoredMessage> page;
    while (!(page = store.readAfter(couple, after, 4)).isEmpty()) {
      assertThat(page.size()).isLessThanOrEqualTo(4);
      page.forEach(m -> seen.add(m.seq()));
      after = page.get(page.size() - 1).seq();
    }
    assertThat(seen).containsExactlyElementsOf(LongStream.rangeClosed(1, 10).boxed().toList());
    StoredMessage m7 = store.readAfter(couple, 6, 1).get(0);
    assertThat(m7).extracting(StoredMessage::coupleId, StoredMessage::seq,
        StoredMessage::senderId, StoredMessage::senderDeviceId, StoredMessage::clientMessageId,
        StoredMessage::kind, StoredMessage::timestampMillis)
        .containsExactly(couple, 7L, "alice", "alice-phone", "m7", 1, 107L);
    assertThat(text(m7)).isEqualTo("body of m7");
    assertThat(store.readAfter(couple, 10, 5)).isEmpty();
    assertThat(store.readAfter(newCouple(), 0, 5)).isEmpty();
    assertThat(store.latestSeq(newCouple())).isZero();
  }

  @Test
  void readMarkersOnlyMoveForward() {
    MessageStore store = open();
    String couple = newCouple();
    assertThat(store.readMarkers(couple)).isEmpty();
    store.setReadMarker(couple, "alice", 5);
    store.setReadMarker(couple, "alice", 3);
    store.setReadMarker(couple, "bob", 1);
    assertThat(store.readMarkers(couple)).containsOnly(Map.entry("alice", 5L),
        Map.entry("bob", 1L));
    store.setReadMarker(couple, "alice", 9);
    store.setReadMarker(couple, "bob", 1);
    assertThat(store.readMarkers(couple)).containsOnly(Map.entry("alice", 9L),
        Map.entry("bob", 1L));
    assertThat(store.readMarkers(newCouple())).isEmpty();
  }

  @Test
  void openingAgainLeavesTheSchemaAsItIs() throws SQLException {
    String couple = newCouple();
    try (MessageStore store = open()) {
      join(store.append(message(couple, "alice", "m1")));
    }
    try (MessageStore store = open()) {
      assertThat(store.latestSeq(couple)).isEqualTo(1);
    }
    try (Connection c = rawConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT version FROM schema_version ORDER BY version")) {
      List<Integer> versions = new ArrayList<>();
      while (rs.next()) {
        versions.add(rs.getInt(1));
      }
      assertThat(versions).containsExactly(1);
    }
  }

  @Test
  void aFullQueueFailsAppendsAtOnce() {
    MessageStore store = open(config().withQueueCapacity(2));
    String couple = newCouple();
    CompletableFuture<AppendResult> first;
    CompletableFuture<AppendResult> second;
    CommitterBlocker blocker = new CommitterBlocker(store);
    try {
      first = store.append(message(couple, "alice", "m1"));
      second = store.append(message(couple, "alice", "m2"));
      CompletableFuture<AppendResult> refused = store.append(message(couple, "alice", "m3"));
      assertThat(refused).isCompletedExceptionally();
      assertThat(failure(refused)).isInstanceOf(StoreOverloadedException.class);
      assertThat(counter(store, "presenter.store.overloaded")).isEqualTo(1);
      assertThat(queueDepth(store)).isEqualTo(2);
      assertThat(first).isNotDone();
    } finally {
      blocker.release();
    }
    assertThat(join(first).seq()).isEqualTo(1);
    assertThat(join(second).seq()).isEqualTo(2);
    assertThat(join(store.append(message(couple, "alice", "m3"))).seq()).isEqualTo(3);
  }

  @Test
  void queuedBodyBytesAreBoundedToo() {
    MessageStore store = open(config().withMaxQueuedBytes(StoreLimits.MAX_BODY_BYTES));
    String couple = newCouple();
    CompletableFuture<AppendResult> big;
    CommitterBlocker blocker = new CommitterBlocker(store);
    try {
      big = store.append(new AppendRequest(couple, "alice", "d", "big", 1,
          new byte[StoreLimits.MAX_BODY_BYTES - 1], 0));
      assertThat(store.append(new AppendRequest(couple, "alice", "d", "small", 1, new byte[1], 0)))
          .isNotDone();
      CompletableFuture<AppendResult> refused = store.append(
          new AppendRequest(couple, "alice", "d", "one too many", 1, new byte[1], 0));
      assertThat(failure(refused)).isInstanceOf(StoreOverloadedException.class)
          .hasMessageContaining("bytes");
    } finally {
      blocker.release();
    }
    assertThat(join(big).seq()).isEqualTo(1);
    assertThat(join(store.append(new AppendRequest(couple, "alice", "d", "after", 1,
        new byte[StoreLimits.MAX_BODY_BYTES], 0))).seq()).isEqualTo(3);
  }

  @Test
  void closeCommitsWhatIsQueuedAndThenRefuses() {
    String couple = newCouple();
    MessageStore store = open();
    List<CompletableFuture<AppendResult>> futures = new ArrayList<>();
    for (int i = 1; i <= 500; i++) {
      futures.add(store.append(message(couple, "alice", "m" + i)));
    }
    store.close();
    assertThat(futures).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
    assertThat(failure(store.append(message(couple, "alice", "late"))))
        .isInstanceOf(StoreException.class).hasMessageContaining("closed");
    assertThatThrownBy(() -> store.latestSeq(couple)).isInstanceOf(StoreException.class);
    store.close();
    assertThat(open().latestSeq(couple)).isEqualTo(500);
  }

  @Test
  void storesTheLargestBodyAndAnEmptyOne() {
    MessageStore store = open();
    String couple = newCouple();
    byte[] largest = new byte[StoreLimits.MAX_BODY_BYTES];
    Arrays.fill(largest, (byte) 0x5a);
    largest[largest.length - 1] = 1;
    join(store.append(new AppendRequest(couple, "alice", "d", "big", 2, largest, 1)));
    join(store.append(new AppendRequest(couple, "alice", "d", "empty", 2, new byte[0], 2)));
    List<StoredMessage> stored = store.readAfter(couple, 0, 2);
    assertThat(stored.get(0).body()).isEqualTo(largest);
    assertThat(stored.get(1).body()).isEmpty();
  }

  @Test
  void rejectsInputBeyondTheLimits() {
    MessageStore store = open();
    String couple = newCouple();
    String id129 = "x".repeat(129);
    byte[] body = new byte[1];
    assertThatThrownBy(() -> new AppendRequest(id129, "a", "d", "m", 1, body, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("coupleId");
    assertThatThrownBy(() -> new AppendRequest(couple, id129, "d", "m", 1, body, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("senderId");
    assertThatThrownBy(() -> new AppendRequest(couple, "a", id129, "m", 1, body, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("senderDeviceId");
    assertThatThrownBy(() -> new AppendRequest(couple, "a", "d", "m".repeat(65), 1, body, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("clientMessageId");
    assertThatThrownBy(() -> new AppendRequest(couple, "a", "d", "", 1, body, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new AppendRequest(couple, "a\u0000b", "d", "m", 1, body, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("control");
    assertThatThrownBy(() -> new AppendRequest(couple, "a", "d", "m", 1,
        new byte[StoreLimits.MAX_BODY_BYTES + 1], 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("body");
    assertThatThrownBy(() -> new AppendRequest(couple, "a", "d", "m", 1, null, 0))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> store.append(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> store.readAfter(couple, 0, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.readAfter(couple, 0, StoreLimits.MAX_READ_LIMIT + 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.readAfter(couple, -1, 10))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.readAfter(id129, 0, 10))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.setReadMarker(couple, "alice", -1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.setReadMarker(couple, id129, 1))
        .isInstanceOf(IllegalArgumentException.class);
    // Limits are inclusive.
    String id128 = "y".repeat(128);
    AppendRequest longest = new AppendRequest(id128, id128, id128, "z".repeat(64), 1, body, 0);
    assertThat(join(store.append(longest)).seq()).isEqualTo(1);
    store.setReadMarker(id128, id128, 1);
    assertThat(store.readMarkers(id128)).containsExactly(Map.entry(id128, 1L));
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
      assertThat(MessageStoreContractTest.join(held).seq()).isEqualTo(1);
    }
  }
}
