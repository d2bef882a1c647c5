package io.presenter.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.channel.Channel;
import io.presenter.chat.server.ChatServer;
import io.presenter.protocol.client.ClientFrames;
import io.presenter.protocol.client.thrift.ClientFrame;
import io.presenter.protocol.mux.StreamCloseInfo;
import io.presenter.protocol.mux.thrift.CloseReason;
import io.presenter.runtime.ring.HashRing;
import io.presenter.runtime.ring.Member;
import io.presenter.runtime.testing.ZooKeeperExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Several real chat servers on one real ZooKeeper: ownership moves, session loss, restarts. */
class ChatClusterTest {
  @RegisterExtension final ZooKeeperExtension zk = new ZooKeeperExtension();

  @TempDir Path dir;
  private ChatTestCluster cluster;
  private MuxTestClient gateway;

  @BeforeEach
  void start() throws Exception {
    cluster = new ChatTestCluster(zk.connectString(), dir);
    gateway = new MuxTestClient();
  }

  @AfterEach
  void stop() {
    gateway.close();
    cluster.close();
  }

  private static HashRing ringOf(String... ids) {
    List<Member> members = new ArrayList<>();
    for (String id : ids) {
      members.add(new Member(id, "h", 1, 0, 1));
    }
    return HashRing.of(0, members);
  }

  private TestSession login(ChatServer server, Channel connection, String user, String couple, long lastSeen) throws Exception {
    TestSession s = gateway.open(connection, cluster.token(user, couple), couple, "phone", lastSeen, 0);
    assertThat(s.next().isSetAuthOk()).isTrue();
    return s;
  }

  private static void awaitMembers(ChatServer server, int n) {
    await().atMost(Duration.ofSeconds(15)).until(() -> server.meters().get("presenter.chat.ring.members").gauge().value() == n);
  }

  @Test
  void addingAServerMovesOnlyTheCouplesItNowOwnsAndTheyContinueThere() throws Exception {
    ChatServer a = cluster.start("chat-a");
    Channel toA = gateway.connect(a.muxPort());
    // Couples that chat-c will take over, and one that stays on chat-a.
    HashRing after = ringOf("chat-a", "chat-c");
    String moving = null;
    String staying = null;
    for (int i = 0; moving == null || staying == null; i++) {
      String c = "couple-" + i;
      if (after.ownerOf(c).id().equals("chat-c")) {
        moving = moving == null ? c : moving;
      } else {
        staying = staying == null ? c : staying;
      }
    }
    TestSession movingSession = login(a, toA, "alice", moving, 0);
    movingSession.send(ClientFrames.send("m1", 1, "before".getBytes(StandardCharsets.UTF_8)));
    assertThat(movingSession.next(ClientFrame::isSetAck).getAck().getSeq()).isEqualTo(1);
    TestSession stayingSession = login(a, toA, "carol", staying, 0);

    ChatServer c = cluster.start("chat-c");
    StreamCloseInfo closed = movingSession.awaitClosed();
    assertThat(closed.reason()).isEqualTo(CloseReason.MOVED);
    assertThat(closed.ringVersion()).isPositive();
    assertThat(stayingSession.isOpen()).isTrue();

    // The gateway re-routes: the new owner answers a re-opened stream with SessionReestablished.
    Channel toC = gateway.connect(c.muxPort());
    TestSession reopened = gateway.open(toC, cluster.token("alice", moving), moving, "phone", 1, 1);
    ClientFrame re = reopened.next();
    assertThat(re.isSetSessionReestablished()).as("got %s", re).isTrue();
    assertThat(re.getSessionReestablished().getLatestSeq()).isEqualTo(1);
    reopened.send(ClientFrames.send("m2", 1, "after".getBytes(StandardCharsets.UTF_8)));
    assertThat(reopened.next(ClientFrame::isSetAck).getAck().getSeq()).isEqualTo(2);
  }

  @Test
  void aServerThatLosesItsZooKeeperSessionGivesUpItsCouples() throws Exception {
    ChatServer a = cluster.start("chat-a");
    Channel toA = gateway.connect(a.muxPort());
    TestSession s = login(a, toA, "alice", "couple-x", 0);
    zk.expireSession(a.zookeeper());
    StreamCloseInfo closed = s.awaitClosed();
    assertThat(closed.reason()).isEqualTo(CloseReason.MOVED);
    // It comes back: the session is re-established, the member node re-created, couples served again.
    await().atMost(Duration.ofSeconds(20)).until(a::isReady);
    TestSession again = login(a, gateway.connect(a.muxPort()), "alice", "couple-x", 0);
    again.send(ClientFrames.send("m1", 1, new byte[] {1}));
    assertThat(again.next(ClientFrame::isSetAck).getAck().getSeq()).isEqualTo(1);
  }

  @Test
  void historySurvivesARestartAndTheNewOwnerContinuesTheSequence() throws Exception {
    ChatServer a = cluster.start("chat-a");
    Channel toA = gateway.connect(a.muxPort());
    TestSession alice = login(a, toA, "alice", "couple-r", 0);
    for (int i = 1; i <= 3; i++) {
      alice.send(ClientFrames.send("m" + i, 1, ("message " + i).getBytes(StandardCharsets.UTF_8)));
      assertThat(alice.next(ClientFrame::isSetAck).getAck().getSeq()).isEqualTo(i);
    }
    StreamCloseInfo drained = null;
    cluster.stop(a);
    drained = alice.awaitClosed();
    assertThat(drained.shouldReroute()).isTrue();

    ChatServer b = cluster.start("chat-b");
    Channel toB = gateway.connect(b.muxPort());
    TestSession bob = gateway.open(toB, cluster.token("bob", "couple-r"), "couple-r", "phone", 0, 0);
    ClientFrame ok = bob.next();
    assertThat(ok.getAuthOk().getLatestSeq()).isEqualTo(3);
    ClientFrame page = bob.next(ClientFrame::isSetSyncPage);
    assertThat(page.getSyncPage().getMessages()).extracting(m -> new String(m.getBody(), StandardCharsets.UTF_8))
        .containsExactly("message 1", "message 2", "message 3");
    bob.send(ClientFrames.send("b1", 1, new byte[] {1}));
    assertThat(bob.next(ClientFrame::isSetAck).getAck().getSeq()).isEqualTo(4);
  }

  @Test
  void messagesBetweenPartnersOnDifferentConnectionsOfThreeServers() throws Exception {
    List<ChatServer> servers = List.of(cluster.start("chat-1"), cluster.start("chat-2"), cluster.start("chat-3"));
    servers.forEach(s -> awaitMembers(s, 3));
    HashRing ring = ringOf("chat-1", "chat-2", "chat-3");
    Map<String, Channel> connections = new HashMap<>();
    for (ChatServer s : servers) {
      connections.put(s.id(), gateway.connect(s.muxPort()));
    }
    for (int i = 0; i < 12; i++) {
      String couple = "pair-" + i;
      String owner = ring.ownerOf(couple).id();
      Channel viaGatewayOne = connections.get(owner);
      Channel viaGatewayTwo = gateway.connect(servers.stream().filter(s -> s.id().equals(owner)).findFirst().orElseThrow().muxPort());
      TestSession alice = login(null, viaGatewayOne, "alice", couple, 0);
      TestSession bob = login(null, viaGatewayTwo, "bob", couple, 0);
      alice.send(ClientFrames.send("m", 1, ("to bob " + i).getBytes(StandardCharsets.UTF_8)));
      assertThat(new String(bob.next(ClientFrame::isSetMessage).getMessage().getBody(), StandardCharsets.UTF_8))
          .isEqualTo("to bob " + i);
    }
  }
}
