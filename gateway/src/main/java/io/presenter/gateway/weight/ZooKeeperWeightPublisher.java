package io.presenter.gateway.weight;

import io.presenter.runtime.ring.GatewayNode;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.CreateMode;

/**
 * Publishes this gateway's address, weight, connection count and state (serving/draining) as an
 * ephemeral ZooKeeper node {@code <path>/<id>} holding a {@link GatewayNode}, so any tool can read
 * the fleet (a {@link io.presenter.runtime.ring.GatewayDirectory} does). The node is
 * created at the first publish and written in the background (Curator), so a call never waits on
 * ZooKeeper; it disappears with the gateway's session or at {@link #withdraw()}.
 */
public final class ZooKeeperWeightPublisher implements WeightPublisher {
  private final CuratorFramework client;
  private final String path;
  private PersistentNode node;

  public ZooKeeperWeightPublisher(CuratorFramework client, String path) {
    this.client = client;
    this.path = path;
  }

  @Override
  public String name() {
    return "zookeeper";
  }

  @Override
  public void publish(WeightSnapshot s) throws Exception {
    if (node == null) {
      node = new PersistentNode(client, CreateMode.EPHEMERAL, false, ZKPaths.makePath(path, s.id()), bytes(s));
      node.start();
    } else {
      // Throws until the first create went through (ZooKeeper unreachable): counted, retried next interval.
      node.setData(bytes(s));
    }
  }

  @Override
  public void withdraw() throws Exception {
    if (node != null) {
      node.close();
    }
  }

  static byte[] bytes(WeightSnapshot s) {
    return new GatewayNode(s.id(), s.address().toString(), s.weight(), s.connections(),
        s.draining() ? GatewayNode.State.DRAINING : GatewayNode.State.SERVING).toJson();
  }
}
