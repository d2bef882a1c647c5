package io.presenter.chat.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.embedded.EmbeddedChannel;
import io.presenter.chat.couple.Couple;
import io.presenter.chat.couple.CoupleRegistry;
import io.presenter.chat.store.MessageStore;
import io.presenter.chat.store.MessageStores;
import io.presenter.chat.store.StoreConfig;
import io.presenter.protocol.client.ClientFrames;
import io.presenter.protocol.client.thrift.ClientFrame;
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

  @Test
  void aCoupleWithACommitInFlightOutlivesItsLastDevice() {
    Couple first = couples.acquire("c1").join();
    EmbeddedChannel aliceOld = new EmbeddedChannel();
    ChatSession sender = session(aliceOld, "alice");
    assertThat(first.join(sender).accepted()).isTrue();
    first.commitStarted();
    couples.leave(first, sender); // the sender moves away before its commit completes

    Couple rejoined = couples.acquire("c1").join();
    EmbeddedChannel bobNew = new EmbeddedChannel();
    ChatSession receiver = session(bobNew, "bob");
    assertThat(rejoined).isSameAs(first);
    assertThat(rejoined.join(receiver).accepted()).isTrue();

    ClientFrame message = ClientFrames.pong(7); // any frame: delivery does not look inside
    assertThat(first.delivered(sender, 1, message)).isEqualTo(1);
    couples.commitFinished(first);
    assertThat(bobNew.<ClientFrame>readOutbound()).isEqualTo(message);
    assertThat(rejoined.latestSeq()).isEqualTo(1);

    couples.leave(rejoined, receiver);
    assertThat(couples.size()).isZero();
    assertThat(couples.acquire("c1").join()).isNotSameAs(first);
  }

  @Test
  void theLastCommitRetiresACoupleWithNoDeviceLeft() {
    Couple couple = couples.acquire("c2").join();
    ChatSession session = session(new EmbeddedChannel(), "alice");
    couple.join(session);
    couple.commitStarted();
    couple.commitStarted();
    couples.leave(couple, session);
    couples.commitFinished(couple);
    assertThat(couples.size()).as("one commit still in flight").isOne();

    couples.commitFinished(couple);
    assertThat(couples.size()).isZero();
    assertThat(couple.join(session(new EmbeddedChannel(), "bob")).accepted()).as("retired").isFalse();
  }

  private static ChatSession session(EmbeddedChannel channel, String user) {
    return new ChatSession(channel, user, user + "-phone", 1 << 20, s -> {});
  }
}
