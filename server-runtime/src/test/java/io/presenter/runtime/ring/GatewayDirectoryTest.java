package io.presenter.runtime.ring;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.presenter.runtime.testing.ZooKeeperExtension;
import java.time.Duration;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A directory against a real in-process ZooKeeper, with nodes written as gateways write them. */
class GatewayDirectoryTest {

  @RegisterExtension
  static final ZooKeeperExtension zk = new ZooKeeperExtension();

  private static final Duration TIMEOUT = Duration.ofSeconds(15);

  private String path;
  private GatewayDirectory directory;

  @BeforeEach
  void uniquePath(TestInfo test) {
    path = "/presenter/" + test.getTestMethod().orElseThrow().getName() + "/gateways";
  }

  @AfterEach
  void close() {
    if (directory != null) {
      directory.close();
    }
  }

  private GatewayDirectory start(CuratorFramework client) throws InterruptedException {
    directory = new GatewayDirectory(client, path);
    directory.start();
    assertThat(directory.awaitInitialized(TIMEOUT)).isTrue();
    return directory;
  }

  private static GatewayNode node(String id, int weight, GatewayNode.State state) {
    return new GatewayNode(id, "127.0.0.1:" + (8000 + id.length()), weight, 10, state);
  }

  @Test
  void seesGatewaysAppearChangeAndDisappear() throws Exception {
    CuratorFramework writer = zk.newClient();
    writer.create().creatingParentsIfNeeded().forPath(path + "/gw-b", node("gw-b", 40, GatewayNode.State.SERVING).toJson());
    GatewayDirectory dir = start(zk.newClient());
    assertThat(dir.isCurrent()).isTrue();
    assertThat(dir.gateways()).containsExactly(Map.entry("gw-b", node("gw-b", 40, GatewayNode.State.SERVING)));

    // An ephemeral node, as ZooKeeperWeightPublisher writes it.
    PersistentNode a = new PersistentNode(writer, CreateMode.EPHEMERAL, false, path + "/gw-a",
        node("gw-a", 70, GatewayNode.State.SERVING).toJson());
    a.start();
    await().atMost(TIMEOUT).until(() -> dir.gateways().containsKey("gw-a"));
    assertThat(dir.gateways().keySet()).as("in id order").containsExactly("gw-a", "gw-b");

    a.setData(node("gw-a", 0, GatewayNode.State.DRAINING).toJson());
    await().atMost(TIMEOUT).until(() -> dir.gateways().get("gw-a").draining());
    assertThat(dir.gateways().get("gw-a").weight()).isZero();

    a.close();
    await().atMost(TIMEOUT).until(() -> !dir.gateways().containsKey("gw-a"));
    writer.delete().forPath(path + "/gw-b");
    await().atMost(TIMEOUT).until(() -> dir.gateways().isEmpty());
  }

  @Test
  void snapshotIsImmutableAndSwappedWhole() throws Exception {
    CuratorFramework writer = zk.newClient();
    GatewayDirectory dir = start(zk.newClient());
    GatewayDirectory.Snapshot before = dir.snapshot();
    assertThat(before.gateways()).isEmpty();
    writer.create().creatingParentsIfNeeded().forPath(path + "/gw-a", node("gw-a", 1, GatewayNode.State.SERVING).toJson());
    await().atMost(TIMEOUT).until(() -> dir.gateways().size() == 1);
    assertThat(before.gateways()).as("an earlier snapshot does not change").isEmpty();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> dir.snapshot().gateways().clear())
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void unreadableNodesAreListedApartAndComeBackWhenFixed() throws Exception {
    CuratorFramework writer = zk.newClient();
    writer.create().creatingParentsIfNeeded().forPath(path + "/gw-a", "not json".getBytes(UTF_8));
    writer.create().forPath(path + "/gw-b", node("gw-x", 1, GatewayNode.State.SERVING).toJson()); // id differs
    GatewayDirectory dir = start(zk.newClient());
    assertThat(dir.gateways()).isEmpty();
    assertThat(dir.snapshot().unreadable()).containsExactly("gw-a", "gw-b");

    writer.setData().forPath(path + "/gw-a", node("gw-a", 5, GatewayNode.State.SERVING).toJson());
    await().atMost(TIMEOUT).until(() -> dir.gateways().containsKey("gw-a"));
    assertThat(dir.snapshot().unreadable()).containsExactly("gw-b");
  }

  @Test
  void isNotCurrentWhileZooKeeperIsDown() throws Exception {
    CuratorFramework writer = zk.newClient();
    writer.create().creatingParentsIfNeeded().forPath(path + "/gw-a", node("gw-a", 1, GatewayNode.State.SERVING).toJson());
    GatewayDirectory dir = start(zk.newClient());
    zk.stopServer();
    try {
      await().atMost(TIMEOUT).until(() -> !dir.isCurrent());
      assertThat(dir.gateways()).as("the last snapshot is kept").containsKey("gw-a");
    } finally {
      zk.restartServer();
    }
    await().atMost(TIMEOUT).until(dir::isCurrent);
  }
}
