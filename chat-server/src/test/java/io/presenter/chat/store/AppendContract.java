package io.presenter.chat.store;

import static io.presenter.chat.store.StoreTesting.message;
import static io.presenter.chat.store.StoreTesting.newCouple;
import static io.presenter.chat.store.StoreTesting.text;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * What every {@link MessageStore} promises about appends: gapless sequence numbers in append
 * order, resends, two writers on one couple (split brain), and failure isolation in a batch.
 */
abstract class AppendContract extends StoreContract {

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
}
