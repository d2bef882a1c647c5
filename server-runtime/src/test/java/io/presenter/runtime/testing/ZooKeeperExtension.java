package io.presenter.runtime.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.apache.curator.utils.CloseableUtils;
import org.apache.zookeeper.Watcher.Event.KeeperState;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real ZooKeeper server inside the test JVM (curator-test's {@link TestingServer}), listening
 * on a free port of 127.0.0.1 only, with a throw-away data directory.
 *
 * <p>Register it on a static field for one server per test class, or on an instance field for a
 * fresh server per test:
 * <pre>{@code
 * @RegisterExtension
 * static final ZooKeeperExtension zk = new ZooKeeperExtension();
 * }</pre>
 * With a shared server, tests should each use their own paths. Clients made by
 * {@link #newClient()} are closed after each test, before the server is stopped.
 *
 * <p>The server's tick is {@value #TICK_TIME_MS} ms, so sessions from 1 s to 20 s are allowed;
 * {@link #newClient()} asks for {@value #SESSION_TIMEOUT_MS} ms so that session loss is quick to
 * provoke ({@link #expireSession}, {@link #stopServer()}).
 */
public final class ZooKeeperExtension
    implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

  /** Session timeout of {@link #newClient()} clients. */
  public static final int SESSION_TIMEOUT_MS = 3_000;
  /** The server's tickTime; sessions may be 1 to 20 ticks long. */
  public static final int TICK_TIME_MS = 1_000;

  private static final long CONNECT_TIMEOUT_MS = 10_000;

  private final List<CuratorFramework> clients = new CopyOnWriteArrayList<>();
  private TestingServer server;
  private boolean perTest;

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    startServer();
  }

  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    if (server == null) { // registered on an instance field: a server per test
      startServer();
      perTest = true;
    }
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    closeClients();
    if (perTest) {
      closeServer();
    }
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    closeClients();
    closeServer();
  }

  /** {@code 127.0.0.1:<port>}. */
  public String connectString() {
    return running().getConnectString();
  }

  /** A started client connected to this server; closed after the test. */
  public CuratorFramework newClient() throws InterruptedException {
    return newClient(builder -> {});
  }

  /**
   * A started, connected client; {@code customizer} may change the defaults (a
   * {@value #SESSION_TIMEOUT_MS} ms session, exponential-backoff retries, no namespace) before it
   * is built. Closed after the test.
   */
  public CuratorFramework newClient(Consumer<CuratorFrameworkFactory.Builder> customizer)
      throws InterruptedException {
    CuratorFrameworkFactory.Builder builder = CuratorFrameworkFactory.builder()
        .connectString(connectString())
        .sessionTimeoutMs(SESSION_TIMEOUT_MS)
        .connectionTimeoutMs(SESSION_TIMEOUT_MS)
        .retryPolicy(new ExponentialBackoffRetry(100, 5, 1_000));
    customizer.accept(builder);
    CuratorFramework client = builder.build();
    clients.add(client);
    client.start();
    if (!client.blockUntilConnected((int) CONNECT_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException("no connection to ZooKeeper at " + connectString());
    }
    return client;
  }

  /**
   * Expires {@code client}'s session on the server, as when a process stalls past its session
   * timeout: when this returns its ephemeral nodes are gone and Curator has reported
   * {@link ConnectionState#LOST} to the client's listeners; it then reconnects with a new session
   * ({@link ConnectionState#RECONNECTED}).
   *
   * <p>Done the way ZooKeeper's own tests do it: a second handle attaches to the same session id
   * and password and closes the session.
   */
  public void expireSession(CuratorFramework client) throws Exception {
    CountDownLatch lost = new CountDownLatch(1);
    ConnectionStateListener listener = (c, state) -> {
      if (state == ConnectionState.LOST) {
        lost.countDown();
      }
    };
    client.getConnectionStateListenable().addListener(listener);
    try {
      // The client may win the session back before the close arrives; then try again.
      for (int attempt = 1; attempt <= 3; attempt++) {
        ZooKeeper zk = client.getZookeeperClient().getZooKeeper();
        closeSession(zk.getSessionId(), zk.getSessionPasswd());
        if (lost.await(3L * SESSION_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
          return;
        }
      }
      throw new IllegalStateException("session did not expire");
    } finally {
      client.getConnectionStateListenable().removeListener(listener);
    }
  }

  /** Stops the server (clients lose their connection); {@link #restartServer()} brings it back. */
  public void stopServer() throws Exception {
    running().stop();
  }

  /** Restarts a stopped server on the same port with the same data. */
  public void restartServer() throws Exception {
    running().restart();
  }

  private void closeSession(long sessionId, byte[] password) throws Exception {
    CountDownLatch connected = new CountDownLatch(1);
    ZooKeeper killer = new ZooKeeper(connectString(), SESSION_TIMEOUT_MS, event -> {
      if (event.getState() == KeeperState.SyncConnected) {
        connected.countDown();
      }
    }, sessionId, password);
    try {
      if (!connected.await(CONNECT_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException("could not attach to session 0x" + Long.toHexString(sessionId));
      }
    } finally {
      killer.close(); // closes the session on the server, deleting its ephemeral nodes
    }
  }

  private TestingServer running() {
    if (server == null) {
      throw new IllegalStateException("ZooKeeper is not running (extension not registered?)");
    }
    return server;
  }

  private void startServer() throws Exception {
    InstanceSpec spec = new InstanceSpec(null, -1, -1, -1, true, -1, TICK_TIME_MS, -1,
        Map.of("clientPortAddress", "127.0.0.1"), "127.0.0.1");
    server = new TestingServer(spec, true);
  }

  private void closeClients() {
    List<CuratorFramework> open = new ArrayList<>(clients);
    clients.clear();
    for (int i = open.size() - 1; i >= 0; i--) {
      CloseableUtils.closeQuietly(open.get(i));
    }
  }

  private void closeServer() throws Exception {
    if (server != null) {
      try {
        server.close();
      } finally {
        server = null;
        perTest = false;
      }
    }
  }
}
