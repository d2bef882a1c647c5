package io.presenter.gateway.weight;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.CreateMode;

/**
 * Publishes this gateway's address, weight, connection count and state (serving/draining) as an
 * ephemeral ZooKeeper node {@code <path>/<id>} (JSON), so any tool can read the fleet. The node is
 * created at the first publish and written in the background (Curator), so a call never waits on
 * ZooKeeper; it disappears with the gateway's session or at {@link #withdraw()}.
 */
public final class ZooKeeperWeightPublisher implements WeightPublisher {
  private static final ObjectMapper JSON = new ObjectMapper();

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

  static byte[] bytes(WeightSnapshot s) throws JsonProcessingException {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("id", s.id());
    data.put("address", s.address().toString());
    data.put("weight", s.weight());
    data.put("connections", s.connections());
    data.put("state", s.draining() ? "draining" : "serving");
    return JSON.writeValueAsBytes(data);
  }
}
