package io.presenter.loadtest.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.presenter.runtime.ring.ZooKeeperClients;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.utils.ZKPaths;

/**
 * Weighted DNS as the harness sees it: the gateways' own published weights, read from their
 * ZooKeeper nodes ({@code /presenter/gateways/<id>}) every refresh interval, and a weighted random
 * pick per connection attempt, reconnects included. A draining gateway publishes weight 0 and so
 * gets no new connection, as a DNS record with weight 0 (or removed) would. Until the first read,
 * or when every weight is 0, the pick falls back to the given static list.
 */
public final class ZooKeeperGatewayDirectory implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Where gateways publish by default ({@code weights.path}). */
  public static final String DEFAULT_PATH = "/presenter/gateways";

  /** One gateway's published entry. */
  public record Entry(String id, InetSocketAddress address, int weight, String state) {}

  private final CuratorFramework client;
  private final String path;
  private final List<InetSocketAddress> fallback;
  private final ScheduledExecutorService refresher =
      Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "gateway-directory");
        t.setDaemon(true);
        return t;
      });
  private volatile List<Entry> entries = List.of();

  public ZooKeeperGatewayDirectory(String connect, String path, List<InetSocketAddress> fallback, Duration refresh)
      throws InterruptedException {
    this.client = ZooKeeperClients.connect(connect, Duration.ofSeconds(30), Duration.ofSeconds(15));
    this.path = path;
    this.fallback = List.copyOf(fallback);
    refresh();
    refresher.scheduleWithFixedDelay(this::refresh, refresh.toMillis(), refresh.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Reads every gateway node; a node that vanishes or does not parse is skipped. */
  void refresh() {
    List<Entry> read = new ArrayList<>();
    try {
      for (String id : client.getChildren().forPath(path)) {
        try {
          JsonNode n = JSON.readTree(client.getData().forPath(ZKPaths.makePath(path, id)));
          // As the gateway wrote it: host:port, an IPv6 host in brackets (a URI's authority).
          URI address = new URI("tcp://" + n.path("address").asText());
          if (address.getHost() == null || address.getPort() < 0) {
            continue;
          }
          read.add(new Entry(id, new InetSocketAddress(address.getHost(), address.getPort()), n.path("weight").asInt(),
              n.path("state").asText()));
        } catch (Exception e) {
          // gone between the listing and the read, or not ours
        }
      }
      entries = List.copyOf(read);
    } catch (Exception e) {
      // keep the last view; ZooKeeper trouble must not stop the load
    }
  }

  public List<Entry> entries() {
    return entries;
  }

  /** A gateway for the next connection attempt: weighted random over the published weights. */
  public InetSocketAddress pick() {
    List<Entry> current = entries;
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
    refresher.shutdownNow();
    client.close();
  }
}
