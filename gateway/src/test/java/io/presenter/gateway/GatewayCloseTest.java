package io.presenter.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.presenter.chat.ChatTestCluster;
import io.presenter.gateway.server.GatewayServer;
import io.presenter.runtime.testing.ZooKeeperExtension;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A gateway stopped while clients keep connecting closes every connection it accepted and frees
 * each one's TLS engine (the shared leak check fails the test on a leaked TLS context). A
 * connection whose registration was still queued on an event loop when the loop began to shut
 * down used to stay open forever, holding its engine and therefore the context.
 */
class GatewayCloseTest {
  private static final int MAX_CONNECTIONS = 3_000;

  @RegisterExtension final ZooKeeperExtension zk = new ZooKeeperExtension();

  @TempDir Path dir;
  private ChatTestCluster chat;
  private GatewayTestCluster gateways;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    chat = new ChatTestCluster(zk.connectString(), dir);
    chat.start("chat-a");
    gateways = new GatewayTestCluster(zk.connectString(), dir, chat.keyFile());
  }

  @AfterEach
  void stop() {
    for (Socket s : sockets) {
      try {
        s.close();
      } catch (IOException ignored) {
        // closing our side only
      }
    }
    gateways.close();
    chat.close();
  }

  @RepeatedTest(5)
  void everyConnectionAcceptedBeforeTheStopIsClosedByIt() throws Exception {
    GatewayServer gateway = gateways.start("gw-1");
    int port = gateway.port();
    AtomicBoolean stopped = new AtomicBoolean();
    Thread connector = new Thread(() -> {
      // Bounded: at most MAX_CONNECTIONS, and it stops at the first refused connect.
      for (int i = 0; i < MAX_CONNECTIONS && !stopped.get(); i++) {
        Socket s = new Socket();
        try {
          s.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
          sockets.add(s);
        } catch (IOException refused) {
          return;
        }
      }
    }, "connector");
    connector.start();
    await().atMost(Duration.ofSeconds(20)).until(() -> sockets.size() >= 300 || !connector.isAlive());
    gateway.close();
    stopped.set(true);
    connector.join(10_000);

    for (Socket s : sockets) {
      s.setSoTimeout(5_000);
      assertThat(closedByPeer(s)).as("connection %s closed by the stopped gateway", s.getLocalSocketAddress()).isTrue();
    }
  }

  /** True on EOF or reset; false when the gateway left the connection open. */
  private static boolean closedByPeer(Socket s) throws IOException {
    try {
      return s.getInputStream().read() < 0;
    } catch (SocketTimeoutException open) {
      return false;
    } catch (IOException reset) {
      return true;
    }
  }
}
