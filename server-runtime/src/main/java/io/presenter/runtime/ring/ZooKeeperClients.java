package io.presenter.runtime.ring;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one way our processes connect to ZooKeeper. */
public final class ZooKeeperClients {
  private static final Logger log = LoggerFactory.getLogger(ZooKeeperClients.class);

  private ZooKeeperClients() {}

  /**
   * A started Curator client, connected within {@code connectionTimeout}, retrying with
   * exponential backoff (200 ms to 5 s) on connection loss. Logs the connection, and later
   * losses of it (warn) and reconnections (info).
   *
   * @throws IllegalStateException if ZooKeeper cannot be reached in time
   */
  public static CuratorFramework connect(String connectString, Duration sessionTimeout, Duration connectionTimeout)
      throws InterruptedException {
    CuratorFramework client =
        CuratorFrameworkFactory.builder()
            .connectString(connectString)
            .sessionTimeoutMs((int) sessionTimeout.toMillis())
            .connectionTimeoutMs((int) connectionTimeout.toMillis())
            .retryPolicy(new ExponentialBackoffRetry(200, 10, 5000))
            .build();
    client.start();
    if (!client.blockUntilConnected((int) connectionTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
      client.close();
      throw new IllegalStateException("cannot reach ZooKeeper at " + connectString);
    }
    log.info("connected to ZooKeeper at {} (session timeout {} ms)", connectString, sessionTimeout.toMillis());
    client.getConnectionStateListenable().addListener((c, state) -> {
      switch (state) {
        case SUSPENDED, LOST, READ_ONLY -> log.warn("ZooKeeper connection {}", state);
        case RECONNECTED -> log.info("ZooKeeper connection RECONNECTED");
        default -> {}
      }
    });
    return client;
  }
}
