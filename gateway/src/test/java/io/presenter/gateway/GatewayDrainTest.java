package io.presenter.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.channel.Channel;
import io.presenter.chat.ChatTestCluster;
import io.presenter.gateway.metrics.CloseReason;
import io.presenter.gateway.server.GatewayServer;
import io.presenter.protocol.client.ClientFrames;
import io.presenter.protocol.client.thrift.ClientFrame;
import io.presenter.protocol.client.thrift.GoAwayReason;
import io.presenter.runtime.testing.ZooKeeperExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Scale-in of one gateway: go-aways spread over the window, serving until then, quiet period, deadline. */
class GatewayDrainTest {
  private static final int CLIENTS = 30;
  private static final long WINDOW_MILLIS = 2000;

  @RegisterExtension final ZooKeeperExtension zk = new ZooKeeperExtension();
  @TempDir Path dir;
  private ChatTestCluster chat;
  private GatewayTestCluster gateways;
  private TlsTestClient phones;

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

  private TlsTestClient.Conn login(GatewayServer g, String couple) throws Exception {
    return phones.login(g.port(), chat.token("alice", couple), "phone");
  }

  @Test
  void goAwaysAreSpreadOverTheWindowClientsAreServedUntilThenAndTheQuietPeriodIsKept() throws Exception {
    GatewayServer g = gateways.start("gw-1", Map.of(
        "presenter.gateway.drain.window", WINDOW_MILLIS + "ms",
        "presenter.gateway.drain.quiet-period", "2s",
        "presenter.gateway.drain.deadline", "30s"));
    await().atMost(Duration.ofSeconds(15)).until(g::isReady);
    List<TlsTestClient.Conn> conns = new ArrayList<>();
    ConcurrentLinkedQueue<Long> closedAtNanos = new ConcurrentLinkedQueue<>();
    for (int i = 0; i < CLIENTS; i++) {
      TlsTestClient.Conn conn = login(g, "spread-" + i).closingOnGoAway();
      conn.channel().closeFuture().addListener(f -> closedAtNanos.add(System.nanoTime()));
      conns.add(conn);
    }

    long start = System.nanoTime();
    CompletableFuture<Void> drained = g.drain();
    // As the first go-away goes out, most clients are still connected, and still served.
    await().atMost(Duration.ofSeconds(10)).until(() -> g.meters().get("presenter.gateway.drain.goaways").functionCounter().count() >= 1);
    assertThat(closedAtNanos.size()).as("closed as the window starts").isLessThan(CLIENTS / 2);
    boolean served = false;
    for (int i = 0; i < conns.size() && !served; i++) {
      TlsTestClient.Conn conn = conns.get(i);
      if (conn.channel().isActive()) {
        conn.send(ClientFrames.send("late-" + i, 1, "still here".getBytes(StandardCharsets.UTF_8)));
        served = conn.next(f -> f.isSetAck() || f.isSetGoAway()).isSetAck();
      }
    }
    assertThat(served).as("a client not yet asked to move is still served").isTrue();
    // A late client (stale DNS cache) during the window: served, asked to move within what is
    // left of the window, and the drain waits a full quiet period after its arrival.
    TlsTestClient.Conn late = login(g, "late").closingOnGoAway();
    long lateAt = System.nanoTime();

    for (TlsTestClient.Conn conn : conns) {
      assertThat(conn.next(ClientFrame::isSetGoAway).getGoAway().getReason()).isEqualTo(GoAwayReason.DRAINING);
      assertThat(conn.awaitClosed(Duration.ofSeconds(5))).isTrue();
    }
    await().atMost(Duration.ofSeconds(2)).until(() -> closedAtNanos.size() == CLIENTS); // listeners run after awaitClosed
    List<Long> offsetsMillis = closedAtNanos.stream().map(t -> TimeUnit.NANOSECONDS.toMillis(t - start)).sorted().toList();
    assertThat(offsetsMillis).hasSize(CLIENTS);
    assertThat(offsetsMillis.get(CLIENTS - 1)).as("last go-away").isLessThan(WINDOW_MILLIS + 1500);
    assertThat(offsetsMillis.get(CLIENTS - 1) - offsetsMillis.get(0)).as("spread of the go-aways").isGreaterThan(WINDOW_MILLIS / 2);
    for (long bucket = 0; bucket < WINDOW_MILLIS; bucket += WINDOW_MILLIS / 4) {
      long from = bucket;
      long inBucket = offsetsMillis.stream().filter(t -> t >= from && t < from + WINDOW_MILLIS / 4).count();
      assertThat(inBucket).as("go-aways in [%d, %d) ms", from, from + WINDOW_MILLIS / 4).isLessThan(CLIENTS * 2 / 3);
    }

    assertThat(late.next(ClientFrame::isSetGoAway).getGoAway().getReason()).isEqualTo(GoAwayReason.DRAINING);
    assertThat(g.meters().get("presenter.gateway.drain.goaways").functionCounter().count()).isEqualTo(CLIENTS + 1);
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).as("late client's go-away").isLessThan(WINDOW_MILLIS + 1500);
    if (TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lateAt) < 1800) {
      assertThat(drained).as("drained within the quiet period after the late client").isNotDone();
    }
    drained.get(10, TimeUnit.SECONDS);
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lateAt)).as("quiet period after the late client").isGreaterThanOrEqualTo(1900);
    awaitCloses(g, CloseReason.DRAINING, CLIENTS + 1);
  }

  @Test
  void aDrainEndsAtTheDeadlineEvenWithAConnectionLeft() throws Exception {
    GatewayServer g = gateways.start("gw-1", Map.of(
        "presenter.gateway.drain.window", "200ms",
        "presenter.gateway.drain.quiet-period", "200ms",
        "presenter.gateway.drain.deadline", "1500ms",
        "presenter.gateway.limits.handshake-timeout", "60s"));
    await().atMost(Duration.ofSeconds(15)).until(g::isReady);
    Channel stuck = phones.connectPlain(g.port()); // never finishes its handshake: never asked to move
    await().atMost(Duration.ofSeconds(5)).until(() -> g.metrics().connections().get() == 1);
    long start = System.nanoTime();
    g.drain().get(10, TimeUnit.SECONDS);
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isBetween(1400L, 5000L);
    assertThat(stuck.isActive()).as("the deadline ends the drain; the stop then closes what is left").isTrue();
    assertThat(g.meters().get("presenter.gateway.drain.elapsed.seconds").gauge().value()).isGreaterThan(1.0);
  }

  /** Counted once the gateway saw the connection close, which may be just after the client did. */
  private static void awaitCloses(GatewayServer g, CloseReason reason, double expected) {
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(g.metrics().closedCount(reason)).isEqualTo(expected));
  }
}
