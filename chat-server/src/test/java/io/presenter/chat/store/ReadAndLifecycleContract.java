package io.presenter.chat.store;

import static io.presenter.chat.store.StoreTesting.message;
import static io.presenter.chat.store.StoreTesting.newCouple;
import static io.presenter.chat.store.StoreTesting.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * What every {@link MessageStore} promises about reads, read markers, durability across reopening,
 * schema migrations, bounded queues, closing, and input limits.
 */
abstract class ReadAndLifecycleContract extends StoreContract {

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
  void aCoupleHasTheFirstTwoUsersThatJoinedForever() {
    String couple = newCouple();
    try (MessageStore store = open()) {
      assertThat(store.coupleMembers(couple)).isEmpty();
      assertThat(store.admitCoupleMember(couple, "alice")).containsExactly("alice");
      assertThat(store.admitCoupleMember(couple, "alice")).containsExactly("alice");
      assertThat(store.admitCoupleMember(couple, "bob")).containsExactly("alice", "bob");
      assertThat(store.admitCoupleMember(couple, "carol")).containsExactly("alice", "bob");
      assertThat(store.admitCoupleMember(newCouple(), "carol")).containsExactly("carol");
    }
    try (MessageStore reopened = open()) {
      assertThat(reopened.coupleMembers(couple)).containsExactly("alice", "bob");
      assertThat(reopened.admitCoupleMember(couple, "carol")).containsExactly("alice", "bob");
    }
  }

  @Test
  void racingNewUsersAdmitExactlyTwo() throws Exception {
    String couple = newCouple();
    MessageStore store = open();
    List<CompletableFuture<List<String>>> answers = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      String user = "user-" + i;
      answers.add(CompletableFuture.supplyAsync(() -> store.admitCoupleMember(couple, user)));
    }
    List<List<String>> seen = answers.stream().map(CompletableFuture::join).toList();
    List<String> members = store.coupleMembers(couple);
    assertThat(members).hasSize(2).doesNotHaveDuplicates();
    assertThat(seen).allSatisfy(answer -> assertThat(answer).isSubsetOf(members).isNotEmpty());
    // Each admitted user was told so; the others saw both places taken.
    for (int i = 0; i < seen.size(); i++) {
      assertThat(seen.get(i).contains("user-" + i)).isEqualTo(members.contains("user-" + i));
    }
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

  /** Two devices of one user marking read at once: the first marker's insert must not race. */
  @Test
  void concurrentFirstReadMarkersOfOneUserAllSucceed() throws Exception {
    MessageStore store = open();
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      for (int round = 0; round < 20; round++) {
        String couple = newCouple();
        java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(4);
        List<java.util.concurrent.Future<?>> marks = new ArrayList<>();
        for (int t = 1; t <= 4; t++) {
          long seq = t;
          marks.add(pool.submit(() -> {
            together.await();
            store.setReadMarker(couple, "bob", seq);
            return null;
          }));
        }
        for (java.util.concurrent.Future<?> m : marks) {
          m.get(); // a failed insert would throw here
        }
        assertThat(store.readMarkers(couple)).containsOnly(Map.entry("bob", 4L));
      }
    } finally {
      pool.shutdownNow();
    }
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
      assertThat(versions).containsExactly(1, 2);
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
}
