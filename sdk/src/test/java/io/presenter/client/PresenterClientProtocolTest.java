package io.presenter.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.channel.Channel;
import io.presenter.protocol.client.ClientFrames;
import io.presenter.protocol.client.thrift.ClientFrame;
import io.presenter.protocol.client.thrift.ErrorCode;
import io.presenter.protocol.client.thrift.GoAwayReason;
import io.presenter.protocol.client.thrift.Message;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Client behaviour against a {@link ScriptedServer}: gaps, a silent peer, refused sends. */
class PresenterClientProtocolTest {
  @TempDir Path dir;

  private final List<Long> delivered = new CopyOnWriteArrayList<>();

  private PresenterClient client(ScriptedServer server, Duration keepalive) {
    return PresenterClient.builder()
        .gateway("127.0.0.1", server.port())
        .trustedCa(server.ca.toFile())
        .tokens(() -> "token")
        .deviceId("d1")
        .keepalive(keepalive)
        .backoff(Duration.ofMillis(10), Duration.ofMillis(50))
        .listener(new PresenterListener() {
          @Override
          public void message(Message m) {
            delivered.add(m.getSeq());
          }
        })
        .build();
  }

  /** A client of {@code server} with a fast backoff. */
  private static PresenterClient.Builder builder(ScriptedServer server) {
    return PresenterClient.builder()
        .gateway("127.0.0.1", server.port())
        .trustedCa(server.ca.toFile())
        .tokens(() -> "token")
        .deviceId("d1")
        .backoff(Duration.ofMillis(10), Duration.ofMillis(50));
  }

  private static Message m(long seq) {
    return ClientFrames.newMessage(seq, "bob", null, 0, 1, new byte[] {1}, null);
  }

  private static void authenticate(ScriptedServer server, long latestSeq) throws Exception {
    ClientFrame auth = server.next();
    assertThat(auth.isSetAuth()).isTrue();
    server.write(ClientFrames.authOk("alice", "c1", latestSeq, 0));
  }

  @Test
  void aGapIsFilledBySyncAndEverySeqIsDeliveredOnceInOrder() throws Exception {
    try (ScriptedServer server = new ScriptedServer(dir); PresenterClient client = client(server, Duration.ofSeconds(30))) {
      CompletableFuture<?> connected = client.connect();
      authenticate(server, 0);
      connected.get(10, TimeUnit.SECONDS);
      server.write(ClientFrame.message(m(1)));
      server.write(ClientFrame.message(m(3)));
      ClientFrame sync = server.next();
      assertThat(sync.isSetSyncRequest()).as("%s", sync).isTrue();
      assertThat(sync.getSyncRequest().getAfterSeq()).isEqualTo(1);
      server.write(ClientFrames.syncPage(1, List.of(m(2)), true, 4));
      // 2 filled the gap and released the held-back 3: the next page starts after 3.
      assertThat(server.next().getSyncRequest().getAfterSeq()).isEqualTo(3);
      server.write(ClientFrames.syncPage(3, List.of(m(4)), false, 4));
      server.write(ClientFrame.message(m(4)));
      await().atMost(Duration.ofSeconds(10)).until(() -> delivered.size() == 4);
      assertThat(delivered).containsExactly(1L, 2L, 3L, 4L);
      assertThat(client.lastSeenSeq()).isEqualTo(4);
    }
  }

  @Test
  void aSilentConnectionIsDroppedAndTheNextAuthCarriesLastSeenSeq() throws Exception {
    try (ScriptedServer server = new ScriptedServer(dir); PresenterClient client = client(server, Duration.ofMillis(300))) {
      client.connect();
      Channel first = server.nextConnection();
      authenticate(server, 0);
      server.write(ClientFrame.message(m(1)));
      // The server now answers nothing, not even pings: the client must give up on it.
      await().atMost(Duration.ofSeconds(10)).until(() -> !first.isActive());
      server.nextConnection();
      ClientFrame auth = server.next();
      assertThat(auth.getAuth().getLastSeenSeq()).isEqualTo(1);
    }
  }

  @Test
  void aRefusedSendFailsAndAnUnackedOneIsResentWithItsIdAfterReconnect() throws Exception {
    try (ScriptedServer server = new ScriptedServer(dir); PresenterClient client = client(server, Duration.ofSeconds(30))) {
      client.connect();
      Channel first = server.nextConnection();
      authenticate(server, 0);
      CompletableFuture<Long> refused = client.send(1, new byte[] {1});
      String refusedId = server.next().getSend().getClientMessageId();
      server.write(ClientFrames.sendError(ErrorCode.BODY_TOO_LARGE, "too big", refusedId, null));
      assertThat(refused).failsWithin(Duration.ofSeconds(10)).withThrowableOfType(ExecutionException.class)
          .withCauseInstanceOf(PresenterClientException.class);

      CompletableFuture<Long> pending = client.send(1, new byte[] {2});
      String id = server.next().getSend().getClientMessageId();
      first.close();
      authenticate(server, 0);
      assertThat(server.next().getSend().getClientMessageId()).isEqualTo(id);
      server.write(ClientFrames.ack(id, 1, 0));
      assertThat(pending.get(10, TimeUnit.SECONDS)).isEqualTo(1);
    }
  }

  @Test
  void aSyncedCopyOfAnUnackedSendActsAsItsAckAndIsNotDelivered() throws Exception {
    try (ScriptedServer server = new ScriptedServer(dir); PresenterClient client = client(server, Duration.ofSeconds(30))) {
      client.connect();
      authenticate(server, 0);
      server.write(ClientFrame.message(m(1)));
      CompletableFuture<Long> pending = client.send(1, new byte[] {2});
      String id = server.next().getSend().getClientMessageId();
      // The session moved after the commit: the page with our own message (seq 2) overtakes the
      // resend's ack; the partner's seq 3 comes with it.
      Message own = ClientFrames.newMessage(2, "alice", "d1", 0, 1, new byte[] {2}, id);
      server.write(ClientFrames.syncPage(1, List.of(own, m(3)), false, 3));

      assertThat(pending.get(10, TimeUnit.SECONDS)).isEqualTo(2);
      await().atMost(Duration.ofSeconds(10)).until(() -> delivered.size() == 2);
      server.write(ClientFrames.ack(id, 2, 0)); // the ack, late: nothing pending any more
      server.write(ClientFrame.message(m(4)));
      await().atMost(Duration.ofSeconds(10)).until(() -> delivered.size() == 3);
      assertThat(delivered).containsExactly(1L, 3L, 4L);
      assertThat(client.lastSeenSeq()).isEqualTo(4);
    }
  }

  @Test
  void anExpiredTokenIsFetchedAgainAndAGoAwayIsHonoured() throws Exception {
    AtomicInteger tokensAsked = new AtomicInteger();
    try (ScriptedServer server = new ScriptedServer(dir);
        PresenterClient client = PresenterClient.builder()
            .gateway("127.0.0.1", server.port())
            .trustedCa(server.ca.toFile())
            .tokens(() -> "token-" + tokensAsked.incrementAndGet())
            .deviceId("d1")
            .backoff(Duration.ofMillis(10), Duration.ofMillis(50))
            .build()) {
      CompletableFuture<?> connected = client.connect();
      Channel first = server.nextConnection();
      assertThat(server.next().getAuth().getToken()).isEqualTo("token-1");
      server.write(ClientFrames.error(ErrorCode.AUTH_EXPIRED, "expired", true, null));
      first.close();
      server.nextConnection();
      assertThat(server.next().getAuth().getToken()).isEqualTo("token-2");
      server.write(ClientFrames.authOk("alice", "c1", 0, 0));
      connected.get(10, TimeUnit.SECONDS);

      long before = System.nanoTime();
      server.write(ClientFrames.goAway(GoAwayReason.DRAINING, 300));
      server.nextConnection();
      assertThat(Duration.ofNanos(System.nanoTime() - before)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
      assertThat(server.next().getAuth().getToken()).isEqualTo("token-3");
    }
  }

  @Test
  void everyConnectionBindsTheConfiguredLocalAddress() throws Exception {
    InetAddress source = InetAddress.getByName("127.0.0.3");
    try (ScriptedServer server = new ScriptedServer(dir);
        PresenterClient client = builder(server).localAddress(source).build()) {
      client.connect();
      Channel first = server.nextConnection();
      assertThat(((InetSocketAddress) first.remoteAddress()).getAddress()).isEqualTo(source);
      first.close();
      assertThat(((InetSocketAddress) server.nextConnection().remoteAddress()).getAddress()).as("after a reconnect too").isEqualTo(source);
    }
  }

  @Test
  void handshakesAreReportedAndADroppedConnectionResumesItsTlsSession() throws Exception {
    List<Boolean> resumed = new CopyOnWriteArrayList<>();
    List<Duration> took = new CopyOnWriteArrayList<>();
    try (ScriptedServer server = new ScriptedServer(dir);
        PresenterClient client = builder(server)
            .tlsSessionKey(7)
            .listener(new PresenterListener() {
              @Override
              public void handshake(Duration elapsed, boolean wasResumed) {
                took.add(elapsed);
                resumed.add(wasResumed);
              }
            })
            .build()) {
      CompletableFuture<?> connected = client.connect();
      Channel first = server.nextConnection();
      authenticate(server, 0);
      connected.get(10, TimeUnit.SECONDS);
      assertThat(resumed).containsExactly(false);
      client.dropConnection();
      await().atMost(Duration.ofSeconds(10)).until(() -> !first.isActive());
      server.nextConnection();
      assertThat(server.next().isSetAuth()).as("the client reconnected by itself").isTrue();
      await().atMost(Duration.ofSeconds(10)).until(() -> resumed.size() == 2);
      assertThat(resumed).as("the second handshake resumed the first session").containsExactly(false, true);
      assertThat(took).allSatisfy(d -> assertThat(d).isPositive().isLessThan(Duration.ofSeconds(10)));
    }
  }
}
