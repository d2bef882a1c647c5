package io.presenter.gateway.weight;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import java.util.TreeMap;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.KeeperException;

/** The gateways with a node under the weights path ({@link ZooKeeperWeightPublisher}'s nodes). */
public final class ZooKeeperLiveGateways implements LiveGateways {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final CuratorFramework client;
  private final String path;

  public ZooKeeperLiveGateways(CuratorFramework client, String path) {
    this.client = client;
    this.path = path;
  }

  /**
   * A node that vanishes while being read is left out; one whose data does not parse is kept
   * with a null address (it is a live gateway all the same).
   */
  @Override
  public Map<String, HostPort> read() throws Exception {
    Map<String, HostPort> live = new TreeMap<>();
    for (String id : client.getChildren().forPath(path)) {
      byte[] data;
      try {
        data = client.getData().forPath(ZKPaths.makePath(path, id));
      } catch (KeeperException.NoNodeException gone) {
        continue;
      }
      live.put(id, address(data));
    }
    return live;
  }

  private static HostPort address(byte[] data) {
    try {
      JsonNode node = JSON.readTree(data);
      return HostPort.parse(node.path("address").asText(), -1);
    } catch (Exception unreadable) {
      return null;
    }
  }
}
