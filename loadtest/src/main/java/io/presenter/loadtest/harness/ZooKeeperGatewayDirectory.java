package io.presenter.loadtest.harness;

import io.presenter.runtime.ring.GatewayDirectory;
import io.presenter.runtime.ring.GatewayNode;
import io.presenter.runtime.ring.ZooKeeperClients;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.curator.framework.CuratorFramework;

/**
 * Weighted DNS as the harness sees it: the gateways' own published weights, their ZooKeeper nodes
 * ({@code /presenter/gateways/<id>}) as a {@link GatewayDirectory} watches them, and a weighted
 * random pick per connection attempt, reconnects included. A draining gateway publishes weight 0
 * and so gets no new connection, as a DNS record with weight 0 (or removed) would. Until the
 * first read, or when every weight is 0, the pick falls back to the given static list.
 */
public final class ZooKeeperGatewayDirectory implements AutoCloseable {
  /** Where gateways publish by default ({@code weights.path}). */
  public static final String DEFAULT_PATH = GatewayNode.DEFAULT_PATH;
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(15);

  /** One gateway's published entry. */
  public record Entry(String id, InetSocketAddress address, int weight, String state) {}

  /** The entries derived from one directory snapshot. */
  private record View(GatewayDirectory.Snapshot from, List<Entry> entries) {}

  private final CuratorFramework client;
  private final GatewayDirectory directory;
  private final List<InetSocketAddress> fallback;
  private volatile View view = new View(null, List.of());

  public ZooKeeperGatewayDirectory(String connect, String path, List<InetSocketAddress> fallback)
      throws InterruptedException {
    this.client = ZooKeeperClients.connect(connect, Duration.ofSeconds(30), CONNECT_TIMEOUT);
    this.fallback = List.copyOf(fallback);
    this.directory = new GatewayDirectory(client, path);
    directory.start();
    directory.awaitInitialized(CONNECT_TIMEOUT); // else the fallback serves until the first read
  }

  /** @deprecated {@code refresh} is ignored: the directory follows ZooKeeper's watches. */
  @Deprecated(forRemoval = true)
  public ZooKeeperGatewayDirectory(String connect, String path, List<InetSocketAddress> fallback, Duration refresh)
      throws InterruptedException {
    this(connect, path, fallback);
  }

  /** The published gateways; one whose address does not parse is left out. */
  public List<Entry> entries() {
    GatewayDirectory.Snapshot now = directory.snapshot();
    View current = view;
    if (current.from() != now) {
      List<Entry> read = new ArrayList<>();
      for (GatewayNode n : now.gateways().values()) {
        try {
          // As the gateway wrote it: host:port, an IPv6 host in brackets (a URI's authority).
          URI address = new URI("tcp://" + n.address());
          if (address.getHost() == null || address.getPort() < 0) {
            continue;
          }
          read.add(new Entry(n.id(), new InetSocketAddress(address.getHost(), address.getPort()), n.weight(),
              n.state().json()));
        } catch (Exception notOurs) {
          // left out
        }
      }
      current = new View(now, List.copyOf(read));
      view = current;
    }
    return current.entries();
  }

  /** A gateway for the next connection attempt: weighted random over the published weights. */
  public InetSocketAddress pick() {
    List<Entry> current = entries();
    long total = 0;
    for (Entry e : current) {
      total += Math.max(0, e.weight());
    }
    if (total == 0) {
      return fallback.get(ThreadLocalRandom.current().nextInt(fallback.size()));
    }
    long r = ThreadLocalRandom.current().nextLong(total);
    for (Entry e : current) {
      r -= Math.max(0, e.weight());
      if (r < 0) {
        return e.address();
      }
    }
    throw new AssertionError("weights changed under the pick");
  }

  @Override
  public void close() {
    directory.close();
    client.close();
  }
}
