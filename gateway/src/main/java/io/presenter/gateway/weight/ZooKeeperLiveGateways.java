package io.presenter.gateway.weight;

import io.presenter.runtime.ring.GatewayDirectory;
import io.presenter.runtime.ring.GatewayNode;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The gateways with a node under the weights path ({@link ZooKeeperWeightPublisher}'s nodes), as a
 * {@link GatewayDirectory} sees them. A node whose data or address does not parse is kept with a
 * null address: it is a live gateway all the same.
 */
public final class ZooKeeperLiveGateways implements LiveGateways {
  private final GatewayDirectory directory;

  /** Reads {@code directory}, which the caller starts and closes. */
  public ZooKeeperLiveGateways(GatewayDirectory directory) {
    this.directory = directory;
  }

  /** @throws IllegalStateException while the directory is not current (not read yet, ZooKeeper unreachable) */
  @Override
  public Map<String, HostPort> read() {
    if (!directory.isCurrent()) {
      throw new IllegalStateException("gateway directory " + directory.path() + " not current (ZooKeeper unreachable?)");
    }
    GatewayDirectory.Snapshot snapshot = directory.snapshot();
    Map<String, HostPort> live = new TreeMap<>();
    for (GatewayNode node : snapshot.gateways().values()) {
      live.put(node.id(), address(node));
    }
    for (String id : snapshot.unreadable()) {
      live.put(id, null);
    }
    return Collections.unmodifiableMap(live);
  }

  private static HostPort address(GatewayNode node) {
    try {
      return HostPort.parse(node.address(), -1);
    } catch (IllegalArgumentException unreadable) {
      return null;
    }
  }
}
