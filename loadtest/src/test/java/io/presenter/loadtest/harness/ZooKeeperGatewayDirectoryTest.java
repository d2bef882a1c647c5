package io.presenter.loadtest.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.presenter.gateway.server.GatewayServer;
import io.presenter.launcher.LocalCluster;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ZooKeeperGatewayDirectoryTest {
  @TempDir Path dir;

  @Test
  void picksFollowThePublishedWeightsAndSkipADrainingGateway() throws Exception {
    try (LocalCluster cluster = new LocalCluster(dir, 1, 2, 0)
        .gatewaySettings(Map.of("presenter.gateway.weights.interval", "200ms"))
        .start()) {
      GatewayServer first = cluster.gateways().get(0);
      GatewayServer second = cluster.gateways().get(1);
      InetSocketAddress firstAddress = new InetSocketAddress("127.0.0.1", first.port());
      InetSocketAddress secondAddress = new InetSocketAddress("127.0.0.1", second.port());
      try (ZooKeeperGatewayDirectory directory = new ZooKeeperGatewayDirectory(cluster.zookeeperConnect(),
          "/presenter/gateways", List.of(firstAddress), Duration.ofMillis(100))) {
        await().atMost(Duration.ofSeconds(10)).until(() -> directory.entries().size() == 2);
        // Both gateways picked, in proportion to what they publish (their weights differ with
        // the CPU each saw when it published).
        List<ZooKeeperGatewayDirectory.Entry> seen = directory.entries();
        Map<InetSocketAddress, Integer> picks = count(directory, 4000);
        assertThat(picks.keySet()).containsExactlyInAnyOrder(firstAddress, secondAddress);
        double firstWeight = seen.stream().filter(e -> e.address().equals(firstAddress)).findFirst().orElseThrow().weight();
        double total = seen.stream().mapToInt(ZooKeeperGatewayDirectory.Entry::weight).sum();
        assertThat(picks.get(firstAddress) / 4000.0).isCloseTo(firstWeight / total, org.assertj.core.data.Offset.offset(0.1));

        first.drain();
        await().atMost(Duration.ofSeconds(10)).until(() -> directory.entries().stream()
            .anyMatch(e -> e.address().equals(firstAddress) && e.weight() == 0 && e.state().equals("draining")));
        assertThat(count(directory, 1000)).containsOnlyKeys(secondAddress);
      }
    }
  }

  private static Map<InetSocketAddress, Integer> count(ZooKeeperGatewayDirectory directory, int n) {
    Map<InetSocketAddress, Integer> picks = new HashMap<>();
    for (int i = 0; i < n; i++) {
      picks.merge(directory.pick(), 1, Integer::sum);
    }
    return picks;
  }
}
