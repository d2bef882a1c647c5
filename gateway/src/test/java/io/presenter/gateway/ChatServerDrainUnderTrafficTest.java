package io.presenter.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.presenter.chat.ChatTestCluster;
import io.presenter.chat.server.ChatServer;
import io.presenter.client.PresenterClient;
import io.presenter.client.PresenterListener;
import io.presenter.gateway.server.GatewayServer;
import io.presenter.protocol.client.thrift.AuthOk;
import io.presenter.protocol.client.thrift.Message;
import io.presenter.protocol.client.thrift.clientConstants;
import io.presenter.runtime.testing.ZooKeeperExtension;
import io.presenter.protocol.tls.TlsContexts;
import io.presenter.protocol.transport.Transport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A deploy: a chat server is drained (graceful stop: leaves the ring, hands its sessions over,
 * finishes its commits) while couples keep sending through a gateway with the SDK. Every message
 * the server acknowledged must reach the partner, with the same seq and body, exactly once.
 */
class ChatServerDrainUnderTrafficTest {
  private static final int COUPLES = 24;
  private static final Duration SEND_PERIOD = Duration.ofMillis(20);

  @RegisterExtension final ZooKeeperExtension zk = new ZooKeeperExtension();
  @TempDir Path dir;
  private ChatTestCluster chat;
  private GatewayTestCluster gateways;
  private EventLoopGroup loops;
  private ScheduledExecutorService senders;
  private final List<PresenterClient> clients = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    chat = new ChatTestCluster(zk.connectString(), dir);
    chat.start("chat-a");
    chat.start("chat-b");
    chat.start("chat-c");
    gateways = new GatewayTestCluster(zk.connectString(), dir, chat.keyFile());
    loops = Transport.best().newGroup(2, new DefaultThreadFactory("phones", true));
    senders = Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("senders", true));
  }

  @AfterEach
  void stop() {
    senders.shutdownNow();
    clients.forEach(PresenterClient::close);
    loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    gateways.close();
    chat.close();
  }

  /** One couple: alice sends, bob records what he receives. */
  private final class Couple {
    final String id;
    final Map<Long, String> acked = new ConcurrentHashMap<>();
    final List<Message> received = new CopyOnWriteArrayList<>();
    final AtomicInteger sendFailures = new AtomicInteger();
    final AtomicInteger sent = new AtomicInteger();
    PresenterClient alice;
    PresenterClient bob;

    Couple(String id) {
      this.id = id;
    }

    void connect(SslContext ssl, int port) throws Exception {
      alice = client(ssl, port, "alice", new PresenterListener() {});
      bob = client(ssl, port, "bob", new PresenterListener() {
        @Override
        public void message(Message m) {
          received.add(m);
        }
      });
      alice.connect().get(20, TimeUnit.SECONDS);
      bob.connect().get(20, TimeUnit.SECONDS);
    }

    private PresenterClient client(SslContext ssl, int port, String user, PresenterListener listener) {
      PresenterClient c = PresenterClient.builder()
          .gateway("127.0.0.1", port)
          .sslContext(ssl)
          .tokens(() -> chat.token(user, id))
          .deviceId(user + "-phone")
          .eventLoopGroup(loops)
          .backoff(Duration.ofMillis(50), Duration.ofSeconds(1))
          .listener(listener)
          .build();
      clients.add(c);
      return c;
    }

    void sendOne() {
      String body = id + "#" + sent.incrementAndGet();
      alice.send(clientConstants.KIND_TEXT, body.getBytes(StandardCharsets.UTF_8)).whenComplete((seq, failure) -> {
        if (failure != null) {
          sendFailures.incrementAndGet();
        } else {
          acked.put(seq, body);
        }
      });
    }

    /** Acked messages bob has not received (with that seq and body). */
    long missing() {
      return acked.entrySet().stream()
          .filter(e -> received.stream().noneMatch(m -> m.getSeq() == e.getKey()
              && e.getValue().equals(new String(m.getBody(), StandardCharsets.UTF_8))))
          .count();
    }
  }

  @Test
  void aChatServerDrainedDuringTrafficLosesNoAcknowledgedMessage() throws Exception {
    GatewayServer gateway = gateways.start("gw-1");
    await().atMost(Duration.ofSeconds(15))
        .until(() -> gateway.isReady() && gateway.meters().get("presenter.gateway.backend.connections").gauge().value() >= 6);
    SslContext ssl = TlsContexts.client(gateways.certs.ca().toFile());
    List<Couple> couples = new ArrayList<>();
    for (int i = 0; i < COUPLES; i++) {
      Couple c = new Couple("drain-" + i);
      c.connect(ssl, gateway.port());
      couples.add(c);
    }
    var sending = senders.scheduleAtFixedRate(() -> couples.forEach(Couple::sendOne), 0, SEND_PERIOD.toMillis(), TimeUnit.MILLISECONDS);
    ChatServer victim = chat.servers().get(0);
    long movedBefore = (long) gateway.meters().get("presenter.gateway.reroutes").tag("result", "ok").counter().count();
    // Drain only once acks flow. The first commits can take a second here: the three servers
    // share one embedded H2 database, whose commits serialize (a fleet shares PostgreSQL).
    await().atMost(Duration.ofSeconds(15)).until(() -> couples.stream().mapToLong(c -> c.acked.size()).sum() >= 10L * COUPLES);
    chat.stop(victim); // graceful: leaves the ring, hands its sessions over, drains its commit queue
    Thread.sleep(1000);
    sending.cancel(false);

    // Everything sent is eventually acked (the SDK resends what the drained server never
    // answered) and everything acked reaches bob.
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      for (Couple c : couples) {
        assertThat(c.acked.size() + c.sendFailures.get()).as("answered sends of %s", c.id).isEqualTo(c.sent.get());
        assertThat(c.missing()).as("acked messages %s never received", c.id).isZero();
      }
    });
    long rerouted = (long) gateway.meters().get("presenter.gateway.reroutes").tag("result", "ok").counter().count() - movedBefore;
    assertThat(rerouted).as("sessions moved off the drained server").isPositive();
    for (Couple c : couples) {
      assertThat(c.sendFailures.get()).as("failed sends of %s", c.id).isZero();
      List<Long> seqs = c.received.stream().map(Message::getSeq).toList();
      assertThat(seqs).as("bob's seqs of %s", c.id).doesNotHaveDuplicates().isSorted();
      assertThat(c.received.stream().map(m -> new String(m.getBody(), StandardCharsets.UTF_8)).toList())
          .as("bodies of %s", c.id).doesNotHaveDuplicates().allMatch(Objects::nonNull);
      assertThat(c.acked.keySet()).as("acked seqs of %s", c.id).hasSize(c.sent.get());
    }
  }
}
