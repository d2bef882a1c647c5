package io.presenter.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.presenter.chat.ChatTestCluster;
import io.presenter.chat.server.ChatServer;
import io.presenter.gateway.metrics.CloseReason;
import io.presenter.gateway.server.GatewayServer;
import io.presenter.protocol.client.ClientFrames;
import io.presenter.protocol.client.thrift.ClientFrame;
import io.presenter.protocol.client.thrift.ErrorCode;
import io.presenter.runtime.testing.ZooKeeperExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Real gateways over real TLS in front of real chat servers and a real ZooKeeper. */
class GatewayTest {
  @RegisterExtension final ZooKeeperExtension zk = new ZooKeeperExtension();

  @TempDir Path dir;
  private ChatTestCluster chat;
  private GatewayTestCluster gateways;
  private TlsTestClient phones;
  private final String couple = "couple-" + UUID.randomUUID();

  @BeforeEach
  void start() throws Exception {
    chat = new ChatTestCluster(zk.connectString(), dir);
    chat.start("chat-a");
    gateways = new GatewayTestCluster(zk.connectString(), dir, chat.keyFile());
    phones = new TlsTestClient(gateways.certs.ca().toFile());
  }

  @AfterEach
  void stop() {
    phones.close();
    gateways.close();
    chat.close();
  }

  private static void awaitReady(GatewayServer gateway) {
    await().atMost(Duration.ofSeconds(15)).until(gateway::isReady);
  }

  private TlsTestClient.Conn login(GatewayServer gateway, String user, String device) throws Exception {
    return phones.login(gateway.port(), chat.token(user, couple), device);
  }

  private static ClientFrame text(String id, String text) {
    return ClientFrames.send(id, 1, text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void partnersOnDifferentGatewaysExchangeMessages() throws Exception {
    GatewayServer g1 = gateways.start("gw-1");
    GatewayServer g2 = gateways.start("gw-2");
    awaitReady(g1);
    awaitReady(g2);
    TlsTestClient.Conn alice = login(g1, "alice", "phone");
    TlsTestClient.Conn bob = login(g2, "bob", "phone");
    alice.send(text("a1", "hello through two gateways"));
    assertThat(alice.next(ClientFrame::isSetAck).getAck().getSeq()).isEqualTo(1);
    ClientFrame got = bob.next(ClientFrame::isSetMessage);
    assertThat(new String(got.getMessage().getBody(), StandardCharsets.UTF_8)).isEqualTo("hello through two gateways");
    bob.send(text("b1", "hi"));
    assertThat(alice.next(ClientFrame::isSetMessage).getMessage().getSenderId()).isEqualTo("bob");
    assertThat(g1.metrics().closedCount(CloseReason.ERROR)).isZero();
    assertThat(g1.meters().get("presenter.gateway.handshakes").tag("result", "full").counter().count()).isEqualTo(1);
    assertThat(g1.metrics().handshaking().get()).isZero();
    assertThat(g1.metrics().pendingAuth().get()).isZero();
  }

  @Test
  void badTokenGetsAnErrorFrameAndAClose() throws Exception {
    GatewayServer g = gateways.start("gw-1");
    awaitReady(g);
    TlsTestClient.Conn conn = phones.connect(g.port());
    conn.send(ClientFrames.auth("not-a-jwt", "phone", 0, 0));
    ClientFrame error = conn.next();
    assertThat(error.getError().getCode()).isEqualTo(ErrorCode.AUTH_INVALID);
    assertThat(error.getError().isFatal()).isTrue();
    assertThat(conn.awaitClosed(Duration.ofSeconds(5))).isTrue();
    awaitCloses(g, CloseReason.AUTH_TOKEN_INVALID, 1);
  }

  @Test
  void expiredTokenGetsAuthExpired() throws Exception {
    GatewayServer g = gateways.start("gw-1");
    awaitReady(g);
    TlsTestClient.Conn conn = phones.connect(g.port());
    conn.send(ClientFrames.auth(chat.expiredToken("alice", couple), "phone", 0, 0));
    assertThat(conn.next().getError().getCode()).isEqualTo(ErrorCode.AUTH_EXPIRED);
    assertThat(conn.awaitClosed(Duration.ofSeconds(5))).isTrue();
  }

  @Test
  void aFirstFrameThatIsNotAuthIsClosed() throws Exception {
    GatewayServer g = gateways.start("gw-1");
    awaitReady(g);
    TlsTestClient.Conn conn = phones.connect(g.port());
    conn.send(text("x", "no auth first"));
    assertThat(conn.next().getError().getCode()).isEqualTo(ErrorCode.AUTH_REQUIRED);
    assertThat(conn.awaitClosed(Duration.ofSeconds(5))).isTrue();
    awaitCloses(g, CloseReason.AUTH_FRAME_INVALID, 1);
  }

  @Test
  void oversizedAuthFrameIsClosedWithoutReadingIt() throws Exception {
    GatewayServer g = gateways.start("gw-1");
    awaitReady(g);
    TlsTestClient.Conn conn = phones.connect(g.port());
    ByteBuf word = Unpooled.buffer(4).writeInt(1_000_000);
    conn.sendRaw(word);
    assertThat(conn.next().getError().getCode()).isEqualTo(ErrorCode.FRAME_TOO_LARGE);
    assertThat(conn.awaitClosed(Duration.ofSeconds(5))).isTrue();
    awaitCloses(g, CloseReason.AUTH_FRAME_TOO_LARGE, 1);
  }

  @Test
  void authMustArriveInTime() throws Exception {
    GatewayServer g = gateways.start("gw-1", Map.of("presenter.gateway.auth.timeout", "300ms"));
    awaitReady(g);
    TlsTestClient.Conn conn = phones.connect(g.port());
    assertThat(conn.awaitClosed(Duration.ofSeconds(5))).isTrue();
    awaitCloses(g, CloseReason.AUTH_TIMEOUT, 1);
  }

  @Test
  void garbageInsteadOfTlsIsClosedAndCounted() throws Exception {
    GatewayServer g = gateways.start("gw-1");
    Channel plain = phones.connectPlain(g.port());
    plain.writeAndFlush(Unpooled.copiedBuffer("GET / HTTP/1.1\r\nHost: x\r\n\r\n", StandardCharsets.US_ASCII));
    assertThat(plain.closeFuture().awaitUninterruptibly(5000)).isTrue();
    await().atMost(Duration.ofSeconds(5)).until(() -> g.metrics().closedCount(CloseReason.HANDSHAKE_FAILED) == 1);
  }

  @Test
  void aClientThatDropsWhileItsStreamOpensLeavesNoSessionOnTheChatServer() throws Exception {
    // One backend connection for two event loops: every other client's stream opens on the other
    // loop, so its client can be gone before the open completes.
    GatewayServer g = gateways.start("gw-1", Map.of("presenter.gateway.backend.connections-per-server", 1));
    awaitReady(g);
    ChatServer server = chat.servers().get(0);
    int clients = 20;
    for (int i = 0; i < clients; i++) {
      TlsTestClient.Conn conn = phones.connect(g.port());
      conn.channel().pipeline().get(io.netty.handler.ssl.SslHandler.class).handshakeFuture().sync();
      conn.channel().writeAndFlush(ClientFrames.auth(chat.token("alice", couple + i), "phone", 0, 0));
      conn.channel().close().sync(); // right behind the auth frame
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> g.metrics().connections().get() == 0);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(server.meters().get("presenter.chat.sessions").gauge().value()).as("sessions left on the chat server").isZero());
    // Each connection counted once: before its relay started, or by the relay as closed by the client.
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(
        g.metrics().closedCount(CloseReason.CLIENT_CLOSED_BEFORE_AUTH) + g.metrics().closedCount(CloseReason.CLIENT_CLOSED))
        .isEqualTo(clients));
    assertThat(totalCloses(g)).isEqualTo(clients);
  }

  private static double totalCloses(GatewayServer g) {
    return g.meters().get("presenter.gateway.closes").counters().stream().mapToDouble(c -> c.count()).sum();
  }

  @Test
  void aChatServerStoppingMidConversationDoesNotDropTheClients() throws Exception {
    GatewayServer g = gateways.start("gw-1");
    awaitReady(g);
    TlsTestClient.Conn alice = login(g, "alice", "phone");
    TlsTestClient.Conn bob = login(g, "bob", "phone");
    alice.send(text("a1", "before"));
    assertThat(bob.next(ClientFrame::isSetMessage).getMessage().getSeq()).isEqualTo(1);

    ChatServer b = chat.start("chat-b");
    ChatServer a = chat.servers().get(0);
    chat.stop(a); // leaves the ring, hands its sessions over
    ClientFrame moved = alice.next(ClientFrame::isSetSessionReestablished);
    assertThat(moved.getSessionReestablished().getLatestSeq()).isEqualTo(1);
    bob.next(ClientFrame::isSetSessionReestablished);
    assertThat(alice.channel().isActive()).isTrue();

    alice.send(text("a2", "after the move"));
    assertThat(alice.next(ClientFrame::isSetAck).getAck().getSeq()).isEqualTo(2);
    assertThat(new String(bob.next(ClientFrame::isSetMessage).getMessage().getBody(), StandardCharsets.UTF_8))
        .isEqualTo("after the move");
    assertThat(b.isReady()).isTrue();
  }

  @Test
  void aChatServerKilledMidConversationIsReplacedWithoutTheClientReconnecting() throws Exception {
    ChatServer b = chat.start("chat-b");
    GatewayServer g = gateways.start("gw-1");
    await().atMost(Duration.ofSeconds(15)).until(() -> g.meters().get("presenter.gateway.backend.connections").gauge().value() >= 4);
    // A couple owned by chat-a.
    io.presenter.runtime.ring.HashRing ring = io.presenter.runtime.ring.HashRing.of(0, java.util.List.of(
        new io.presenter.runtime.ring.Member("chat-a", "h", 1, 0, 1), new io.presenter.runtime.ring.Member("chat-b", "h", 1, 0, 1)));
    String onA = null;
    for (int i = 0; onA == null; i++) {
      if (ring.ownerOf("k" + i).id().equals("chat-a")) {
        onA = "k" + i;
      }
    }
    TlsTestClient.Conn alice = phones.login(g.port(), chat.token("alice", onA), "phone");
    TlsTestClient.Conn bob = phones.login(g.port(), chat.token("bob", onA), "phone");
    alice.send(text("a1", "before the crash"));
    assertThat(bob.next(ClientFrame::isSetMessage).getMessage().getSeq()).isEqualTo(1);

    ChatServer a = chat.servers().get(0);
    a.crash();
    zk.expireSession(a.zookeeper()); // what the ZooKeeper session timeout does to a dead process
    try {
      ClientFrame re = alice.next(ClientFrame::isSetSessionReestablished);
      assertThat(re.getSessionReestablished().getLatestSeq()).isEqualTo(1);
      bob.next(ClientFrame::isSetSessionReestablished);
      alice.send(text("a2", "after the crash"));
      assertThat(alice.next(ClientFrame::isSetAck).getAck().getSeq()).isEqualTo(2);
      assertThat(new String(bob.next(ClientFrame::isSetMessage).getMessage().getBody(), StandardCharsets.UTF_8))
          .isEqualTo("after the crash");
      assertThat(alice.channel().isActive()).isTrue();
      assertThat(b.isReady()).isTrue();
    } finally {
      chat.servers().remove(a);
      a.cleanUpAfterCrash();
    }
  }

  @Test
  void aClientThatStopsReadingIsBoundedAndDoesNotSlowItsPartner() throws Exception {
    GatewayServer g = gateways.start("gw-1");
    awaitReady(g);
    TlsTestClient.Conn alice = login(g, "alice", "phone");
    TlsTestClient.Conn bob = login(g, "bob", "phone");
    bob.channel().config().setAutoRead(false); // bob's phone stops reading
    ChatServer server = chat.servers().get(0);
    byte[] body = new byte[48 * 1024];
    // ~19 MB towards bob: more than every buffer on the way together, loopback socket buffers
    // (several MB each way) included.
    int messages = 400;
    long start = System.nanoTime();
    for (int i = 0; i < messages; i++) {
      alice.send(ClientFrames.send("m" + i, 1, body));
    }
    for (int i = 0; i < messages; i++) {
      alice.next(ClientFrame::isSetAck);
    }
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
    // The chat server bounds what it holds for bob and gives up on him; the gateway then closes him.
    await().atMost(Duration.ofSeconds(15))
        .until(() -> server.meters().get("presenter.chat.slow.readers.closed").counter().count() >= 1);
    await().atMost(Duration.ofSeconds(15)).until(() -> g.metrics().closedCount(CloseReason.SERVER_CLOSED) >= 1);
    assertThat(alice.channel().isActive()).isTrue();
  }

  @Test
  void connectionsBeyondThePerIpLimitAreRefusedBeforeTls() throws Exception {
    GatewayServer g = gateways.start("gw-1", Map.of("presenter.gateway.limits.max-connections-per-ip", 2));
    awaitReady(g);
    TlsTestClient.Conn first = login(g, "alice", "phone");
    TlsTestClient.Conn second = login(g, "bob", "phone");
    Channel third = phones.connectPlain(g.port());
    assertThat(third.closeFuture().awaitUninterruptibly(5000)).isTrue();
    awaitCloses(g, CloseReason.TOO_MANY_FROM_IP, 1);
    assertThat(totalCloses(g)).isEqualTo(1);
    assertThat(first.channel().isActive()).isTrue();
    assertThat(second.channel().isActive()).isTrue();
    first.channel().close().sync();
    await().atMost(Duration.ofSeconds(5)).until(() -> g.metrics().connections().get() == 1);
    login(g, "alice", "laptop"); // a slot is free again
  }

  @Test
  void aTlsClientThatNeverFinishesItsHandshakeIsClosed() throws Exception {
    GatewayServer g = gateways.start("gw-1", Map.of("presenter.gateway.limits.handshake-timeout", "300ms"));
    Channel silent = phones.connectPlain(g.port()); // TCP only: never sends a ClientHello
    assertThat(silent.closeFuture().awaitUninterruptibly(5000)).isTrue();
    await().atMost(Duration.ofSeconds(5)).until(() -> g.metrics().closedCount(CloseReason.HANDSHAKE_TIMEOUT) == 1);
    assertThat(g.metrics().handshaking().get()).isZero();
  }

  @Test
  void drainingAsksEveryClientToMoveAndFinishesWhenNoneIsLeft() throws Exception {
    GatewayServer g = gateways.start("gw-1", Map.of(
        "presenter.gateway.drain.window", "1s",
        "presenter.gateway.drain.quiet-period", "1s",
        "presenter.gateway.drain.deadline", "20s"));
    awaitReady(g);
    TlsTestClient.Conn alice = login(g, "alice", "phone");
    TlsTestClient.Conn bob = login(g, "bob", "phone");
    java.util.concurrent.CompletableFuture<Void> drained = g.drain();
    assertThat(g.isReady()).as("out of rotation while draining").isFalse();

    // A late client (stale DNS) is still served, then asked to move like the others.
    TlsTestClient.Conn late = login(g, "alice", "tablet");
    for (TlsTestClient.Conn conn : java.util.List.of(alice, bob, late)) {
      ClientFrame goAway = conn.next(ClientFrame::isSetGoAway);
      assertThat(goAway.getGoAway().getReason()).isEqualTo(io.presenter.protocol.client.thrift.GoAwayReason.DRAINING);
      assertThat(goAway.getGoAway().getRetryAfterMillis()).isEqualTo(1000);
      assertThat(conn.awaitClosed(Duration.ofSeconds(5))).isTrue();
    }
    drained.get(15, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(g.metrics().connections().get()).isZero();
    awaitCloses(g, CloseReason.DRAINING, 3);
    assertThat(totalCloses(g)).as("each connection counted once").isEqualTo(3);
  }

  @Test
  void gatewaysPublishWeightsThatFollowLoadAndDropToZeroOnDrain() throws Exception {
    Map<String, Object> small = Map.of("presenter.gateway.limits.max-connections", 10, "presenter.gateway.weights.interval", "200ms");
    GatewayServer busy = gateways.start("gw-busy", small);
    GatewayServer idle = gateways.start("gw-idle", small);
    awaitReady(busy);
    awaitReady(idle);
    login(busy, "alice", "phone");
    login(busy, "bob", "phone");
    login(busy, "alice", "tablet");
    org.apache.curator.framework.CuratorFramework zookeeper = zk.newClient();
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    java.util.function.Function<String, com.fasterxml.jackson.databind.JsonNode> read = id -> {
      try {
        return json.readTree(zookeeper.getData().forPath("/presenter/gateways/" + id));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    };
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(read.apply("gw-busy").get("connections").asInt()).isEqualTo(3);
      assertThat(read.apply("gw-idle").get("weight").asInt()).isGreaterThan(read.apply("gw-busy").get("weight").asInt());
    });
    assertThat(read.apply("gw-idle").get("address").asText()).isEqualTo("127.0.0.1:" + idle.port());

    busy.drain();
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
      assertThat(read.apply("gw-busy").get("weight").asInt()).isZero();
      assertThat(read.apply("gw-busy").get("state").asText()).isEqualTo("draining");
    });
  }

  /** Counted once the gateway saw the connection close, which may be just after the client did. */
  private static void awaitCloses(GatewayServer g, CloseReason reason, double expected) {
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(g.metrics().closedCount(reason)).isEqualTo(expected));
  }
}
