package io.presenter.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.presenter.chat.server.ChatServer;
import io.presenter.gateway.server.GatewayServer;
import io.presenter.launcher.LocalCluster;
import io.presenter.protocol.client.thrift.clientConstants;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SDK against a real in-process cluster: ZooKeeper, 3 chat servers, 2 TLS gateways. */
class PresenterClientTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path dir;

  private static String token(LocalCluster cluster, String user) {
    return cluster.token(user, "demo", Duration.ofHours(1));
  }

  private static PresenterClient client(
      LocalCluster cluster, Supplier<String> tokens, String device, Recorder recorder, long lastSeen, GatewayServer... gateways) {
    PresenterClient.Builder b = PresenterClient.builder()
        .trustedCa(cluster.caFile().toFile())
        .tokens(tokens)
        .deviceId(device)
        .backoff(Duration.ofMillis(20), Duration.ofMillis(300))
        .keepalive(Duration.ofSeconds(2)) // also catches a connection a stopped gateway leaves open
        .lastSeenSeq(lastSeen)
        .listener(recorder);
    for (GatewayServer g : gateways) {
      b.gateway("127.0.0.1", g.port());
    }
    return b.build();
  }

  private static LocalCluster startCluster(Path dir) throws Exception {
    LocalCluster cluster = new LocalCluster(dir, 3, 2, 0).start();
    cluster.gateways().forEach(g -> await().atMost(WAIT).until(g::isReady));
    return cluster;
  }

  private static long send(PresenterClient client, String text) throws Exception {
    return client.send(clientConstants.KIND_TEXT, text.getBytes(UTF_8)).get(30, TimeUnit.SECONDS);
  }

  @Test
  void partnersOnDifferentGatewaysChatAndHistorySurvivesARestart() throws Exception {
    try (LocalCluster cluster = startCluster(dir)) {
      Recorder aliceSees = new Recorder();
      Recorder bobSees = new Recorder();
      try (PresenterClient alice = client(cluster, () -> token(cluster, "alice"), "a1", aliceSees, 0, cluster.gateways().get(0));
          PresenterClient bob = client(cluster, () -> token(cluster, "bob"), "b1", bobSees, 0, cluster.gateways().get(1))) {
        alice.connect().get(30, TimeUnit.SECONDS);
        bob.connect().get(30, TimeUnit.SECONDS);
        assertThat(send(alice, "hi bob")).isEqualTo(1);
        assertThat(send(alice, "how are you")).isEqualTo(2);
        await().atMost(WAIT).until(() -> bobSees.messages.size() == 2);
        assertThat(send(bob, "fine")).isEqualTo(3);
        await().atMost(WAIT).until(() -> aliceSees.messages.size() == 1);
        assertThat(aliceSees.texts()).containsExactly("fine");
        assertThat(bobSees.texts()).containsExactly("hi bob", "how are you");
        assertThat(alice.lastSeenSeq()).isEqualTo(3);
        assertThat(bob.lastSeenSeq()).isEqualTo(3);
      }
    }
    try (LocalCluster again = startCluster(dir)) {
      Recorder fresh = new Recorder();
      Recorder resumed = new Recorder();
      try (PresenterClient newPhone = client(again, () -> token(again, "bob"), "b2", fresh, 0, again.gateways().get(0));
          PresenterClient oldPhone = client(again, () -> token(again, "alice"), "a1", resumed, 2, again.gateways().get(1))) {
        newPhone.connect().get(30, TimeUnit.SECONDS);
        oldPhone.connect().get(30, TimeUnit.SECONDS);
        await().atMost(WAIT).until(() -> fresh.messages.size() == 3 && resumed.messages.size() == 1);
        assertThat(fresh.texts()).containsExactly("hi bob", "how are you", "fine");
        assertThat(resumed.seqs()).containsExactly(3L);
      }
    }
  }

  @Test
  void aDroppedConnectionResumesWithoutLossOrDuplicates() throws Exception {
    try (LocalCluster cluster = startCluster(dir)) {
      Recorder aliceSees = new Recorder();
      Recorder bobSees = new Recorder();
      AtomicBoolean bobOffline = new AtomicBoolean();
      // While "offline", bob's reconnects are refused (AUTH_INVALID), so the gap is deterministic.
      Supplier<String> bobTokens = () -> bobOffline.get() ? "not-a-token" : token(cluster, "bob");
      try (PresenterClient alice = client(cluster, () -> token(cluster, "alice"), "a1", aliceSees, 0, cluster.gateways().get(0));
          PresenterClient bob = client(cluster, bobTokens, "b1", bobSees, 0, cluster.gateways().get(1))) {
        alice.connect().get(30, TimeUnit.SECONDS);
        bob.connect().get(30, TimeUnit.SECONDS);
        send(alice, "before");
        await().atMost(WAIT).until(() -> bobSees.messages.size() == 1);

        bobOffline.set(true);
        int disconnects = bobSees.disconnects.get();
        bob.dropConnection();
        await().atMost(WAIT).until(() -> bobSees.disconnects.get() > disconnects);
        List<CompletableFuture<Long>> bobSends = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
          send(alice, "while away " + i);
          bobSends.add(bob.send(clientConstants.KIND_TEXT, ("from bob offline " + i).getBytes(UTF_8)));
        }
        await().atMost(WAIT).until(() -> bobSees.disconnects.get() > disconnects + 1); // a refused attempt
        assertThat(bobSends).noneMatch(CompletableFuture::isDone);

        bobOffline.set(false);
        await().atMost(WAIT).until(() -> bobSends.stream().allMatch(CompletableFuture::isDone));
        await().atMost(WAIT).until(() -> bobSees.messages.size() >= 4 && aliceSees.messages.size() >= 3);
        assertThat(bobSees.texts()).containsExactly("before", "while away 1", "while away 2", "while away 3");
        assertThat(bobSees.seqs()).containsExactly(1L, 2L, 3L, 4L);
        assertThat(aliceSees.texts()).containsExactly("from bob offline 1", "from bob offline 2", "from bob offline 3");
        assertThat(bobSends).extracting(CompletableFuture::join).containsExactly(5L, 6L, 7L);
        assertThat(bob.lastSeenSeq()).isEqualTo(7);
      }
    }
  }

  @Test
  void aClientOfAStoppedGatewayMovesToTheOtherOne() throws Exception {
    try (LocalCluster cluster = startCluster(dir)) {
      Recorder aliceSees = new Recorder();
      Recorder bobSees = new Recorder();
      GatewayServer first = cluster.gateways().get(0);
      GatewayServer second = cluster.gateways().get(1);
      try (PresenterClient alice = client(cluster, () -> token(cluster, "alice"), "a1", aliceSees, 0, first);
          PresenterClient bob = client(cluster, () -> token(cluster, "bob"), "b1", bobSees, 0, second, first)) {
        alice.connect().get(30, TimeUnit.SECONDS);
        // Make sure bob sits on the second gateway before stopping it.
        bob.connect().get(30, TimeUnit.SECONDS);
        // Bob picks a gateway at random per attempt: drop the connection until he sits on the second.
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
          InetSocketAddress gw = bob.gateway();
          if (gw != null && gw.getPort() != second.port()) {
            bob.dropConnection();
          }
          return gw != null && gw.getPort() == second.port();
        });
        send(alice, "one");
        await().atMost(WAIT).until(() -> bobSees.messages.size() == 1);
        int connects = bobSees.connects.get();
        second.close();
        send(alice, "two");
        await().atMost(WAIT).until(() -> bobSees.connects.get() > connects);
        assertThat(send(bob, "back")).isEqualTo(3);
        await().atMost(WAIT).until(() -> bobSees.messages.size() == 2 && aliceSees.messages.size() == 1);
        assertThat(bobSees.texts()).containsExactly("one", "two");
        assertThat(aliceSees.texts()).containsExactly("back");
      }
    }
  }

  @Test
  void aSessionMovedToAnotherChatServerResumesWithoutLossOrDuplicates() throws Exception {
    try (LocalCluster cluster = startCluster(dir)) {
      Recorder aliceSees = new Recorder();
      Recorder bobSees = new Recorder();
      try (PresenterClient alice = client(cluster, () -> token(cluster, "alice"), "a1", aliceSees, 0, cluster.gateways().get(0));
          PresenterClient bob = client(cluster, () -> token(cluster, "bob"), "b1", bobSees, 0, cluster.gateways().get(1))) {
        alice.connect().get(30, TimeUnit.SECONDS);
        bob.connect().get(30, TimeUnit.SECONDS);
        send(alice, "one");
        await().atMost(WAIT).until(() -> bobSees.messages.size() == 1);
        ChatServer owner = cluster.chatServers().stream()
            .filter(c -> c.meters().get("presenter.chat.sessions").gauge().value() > 0)
            .findFirst().orElseThrow();
        cluster.chatServers().remove(owner);
        CompletableFuture<Long> inFlight = bob.send(clientConstants.KIND_TEXT, "during the move".getBytes(UTF_8));
        owner.close(); // graceful: the gateways move both sessions to the new owner
        await().atMost(WAIT).until(() -> bobSees.reestablished.get() + bobSees.connects.get() > 1
            && aliceSees.reestablished.get() + aliceSees.connects.get() > 1);
        assertThat(inFlight.get(30, TimeUnit.SECONDS)).isEqualTo(2);
        send(alice, "two");
        assertThat(send(bob, "three")).isEqualTo(4);
        await().atMost(WAIT).until(() -> bobSees.messages.size() >= 2 && aliceSees.messages.size() >= 2);
        assertThat(bobSees.texts()).containsExactly("one", "two");
        assertThat(aliceSees.texts()).containsExactly("during the move", "three");
      }
    }
  }
}
