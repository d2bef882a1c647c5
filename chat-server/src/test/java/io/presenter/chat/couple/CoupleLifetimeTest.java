package io.presenter.chat.couple;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.presenter.chat.store.MessageStore;
import io.presenter.chat.store.MessageStores;
import io.presenter.chat.store.StoreConfig;
import io.presenter.chat.store.StoredMessage;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When a couple's in-memory state may be dropped and loaded afresh. A device that reconnects
 * while its last send is still being committed (a gateway drain moves both partners at once)
 * must join the same state that commit will update, or it would be told a latest seq older
 * than a message it then receives, and miss that message's live delivery.
 */
class CoupleLifetimeTest {
  @TempDir Path dir;
  private MessageStore store;
  private ScheduledExecutorService timers;
  private CoupleRegistry couples;

  @BeforeEach
  void open() {
    store = MessageStores.open(StoreConfig.embedded(dir), new SimpleMeterRegistry());
    timers = Executors.newSingleThreadScheduledExecutor();
    couples = new CoupleRegistry(store, Runnable::run, timers, 6_000);
  }

  @AfterEach
  void close() {
    timers.shutdownNow();
    store.close();
  }

  /** Joins as the session handler does: a user new to the couple takes a place first. */
  private Couple.JoinResult joinAsMember(Couple couple, RecordingDevice device) {
    couples.admit(couple, device.userId()).join();
    return couple.join(device);
  }

  @Test
  void aCoupleIsItsFirstTwoUsersEvenWhenBothAreOffline() {
    Couple couple = couples.acquire("c2").join();
    RecordingDevice alice = new RecordingDevice("alice");
    RecordingDevice bob = new RecordingDevice("bob");
    assertThat(couple.join(alice).outcome()).isEqualTo(Couple.JoinOutcome.ADMIT_FIRST);
    assertThat(joinAsMember(couple, alice).partnerId()).as("no second user yet").isNull();
    assertThat(joinAsMember(couple, bob).partnerId()).isEqualTo("alice");
    couples.leave(couple, alice);
    couples.leave(couple, bob);

    Couple reloaded = couples.acquire("c2").join();
    assertThat(reloaded).as("loaded again from the store").isNotSameAs(couple);
    assertThat(reloaded.join(new RecordingDevice("carol")).outcome()).isEqualTo(Couple.JoinOutcome.NOT_A_MEMBER);
    assertThat(couples.admit(reloaded, "carol").join()).isFalse();
    Couple.JoinResult again = reloaded.join(new RecordingDevice("alice"));
    assertThat(again.accepted()).isTrue();
    assertThat(again.partnerId()).as("the partner is known from the store").isEqualTo("bob");
  }

  @Test
  void aCoupleWithACommitInFlightOutlivesItsLastDevice() {
    Couple first = couples.acquire("c1").join();
    RecordingDevice sender = new RecordingDevice("alice");
    assertThat(joinAsMember(first, sender).accepted()).isTrue();
    first.commitStarted();
    couples.leave(first, sender); // the sender moves away before its commit completes

    Couple rejoined = couples.acquire("c1").join();
    RecordingDevice receiver = new RecordingDevice("bob");
    assertThat(rejoined).isSameAs(first);
    assertThat(joinAsMember(rejoined, receiver).accepted()).isTrue();

    StoredMessage message = new StoredMessage("c1", 1, "alice", "alice-phone", "m1", 1, new byte[] {1}, 1_000);
    assertThat(first.delivered(sender, message)).isEqualTo(1);
    couples.commitFinished(first);
    assertThat(receiver.messages).containsExactly(message);
    assertThat(rejoined.latestSeq()).isEqualTo(1);

    couples.leave(rejoined, receiver);
    assertThat(couples.size()).isZero();
    assertThat(couples.acquire("c1").join()).isNotSameAs(first);
  }

  @Test
  void theLastCommitRetiresACoupleWithNoDeviceLeft() {
    Couple couple = couples.acquire("c2").join();
    RecordingDevice device = new RecordingDevice("alice");
    couple.join(device);
    couple.commitStarted();
    couple.commitStarted();
    couples.leave(couple, device);
    couples.commitFinished(couple);
    assertThat(couples.size()).as("one commit still in flight").isOne();

    couples.commitFinished(couple);
    assertThat(couples.size()).isZero();
    assertThat(joinAsMember(couple, new RecordingDevice("bob")).accepted()).as("retired").isFalse();
  }

  @Test
  void anEvictedCoupleEndsEveryDeviceWithTheReasonAndRingVersion() {
    Couple couple = couples.acquire("c3").join();
    RecordingDevice alice = new RecordingDevice("alice");
    RecordingDevice bob = new RecordingDevice("bob");
    joinAsMember(couple, alice);
    joinAsMember(couple, bob);
    assertThat(alice.events).containsExactly("presence bob true");

    assertThat(couples.evictIf(id -> id.equals("c3"), SessionEnd.MOVED, 9, "moved")).isOne();
    assertThat(alice.events).endsWith("end MOVED 9");
    assertThat(bob.events).containsExactly("end MOVED 9");
    assertThat(couples.size()).isZero();
    assertThat(joinAsMember(couple, new RecordingDevice("alice")).accepted()).as("evicted").isFalse();
  }
}
