package io.presenter.loadtest.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.presenter.gateway.server.GatewayServer;
import io.presenter.launcher.LocalCluster;
import io.presenter.loadtest.LoadtestCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scale-in under load, in miniature: the harness picks gateways by their published ZooKeeper
 * weights (as weighted DNS would), one of two gateways drains mid-run, and its clients move to
 * the other one without losing or duplicating a message.
 */
class DrainUnderLoadTest {
  @TempDir Path dir;

  @Test
  void clientsOfADrainedGatewayMoveToTheOtherAndNothingIsLost() throws Exception {
    try (LocalCluster cluster = new LocalCluster(dir.resolve("cluster"), 1, 2, 0)
        .gatewaySettings(Map.of(
            "presenter.gateway.weights.interval", "200ms",
            "presenter.gateway.drain.window", "1500ms",
            "presenter.gateway.drain.quiet-period", "1s",
            "presenter.gateway.drain.retry-after", "200ms"))
        .start()) {
      cluster.gateways().forEach(g -> await().atMost(Duration.ofSeconds(20)).until(g::isReady));
      GatewayServer leaving = cluster.gateways().get(0);
      GatewayServer staying = cluster.gateways().get(1);
      String gateways = cluster.gateways().stream().map(g -> "127.0.0.1:" + g.port()).collect(Collectors.joining(","));
      Path out = dir.resolve("report");
      LoadtestOptions options = LoadtestCommand.options("--gateways", gateways, "--ca", cluster.caFile().toString(),
          "--key-file", cluster.keyFile().toString(), "--out", out.toString(), "--zookeeper", cluster.zookeeperConnect(),
          "--couples", "100", "--ramp", "400", "--rate", "4", "--duration", "6s", "--workers", "1");

      CompletableFuture<Integer> drained = new CompletableFuture<>(); // the other gateway's connections then
      Thread drainer = new Thread(() -> {
        try {
          // Once both gateways hold clients and messages flow through the leaving one, scale it in.
          await().atMost(Duration.ofSeconds(30)).until(() -> leaving.metrics().connections().get() > 20
              && leaving.metrics().connections().get() + staying.metrics().connections().get() >= 200);
          double connected = relayedUpBytes(leaving);
          await().atMost(Duration.ofSeconds(30)).until(() -> relayedUpBytes(leaving) - connected > 40_000);
          leaving.drain().get(30, TimeUnit.SECONDS);
          await().atMost(Duration.ofSeconds(10)).until(() -> staying.metrics().connections().get() == 200);
          drained.complete(staying.metrics().connections().get());
        } catch (Throwable t) {
          drained.completeExceptionally(t);
        }
      });
      drainer.start();
      ByteArrayOutputStream console = new ByteArrayOutputStream();
      LoadReport report = new Loadtest(options, new PrintStream(console, true, StandardCharsets.UTF_8)).run();
      report.write(out);
      int onTheOther = drained.get(10, TimeUnit.SECONDS);
      assertThat(report.failures()).as(report.summary()).isEmpty();
      JsonNode json = new ObjectMapper().readTree(out.resolve("report.json").toFile());

      assertThat(json.path("lost").asLong()).isZero();
      assertThat(json.path("duplicated").asLong()).isZero();
      assertThat(json.path("outOfOrder").asLong()).isZero();
      assertThat(json.path("acked").asLong()).isEqualTo(json.path("sent").asLong()).isPositive();
      assertThat(json.path("errors").asLong()).as(report.summary()).isZero();
      long moved = json.path("goAways").asLong();
      assertThat(moved).as("clients asked to move").isPositive();
      assertThat(json.path("reconnects").asLong()).isGreaterThanOrEqualTo(moved);
      assertThat(onTheOther).as("everyone on the other gateway after the drain").isEqualTo(200);
      assertThat(json.path("config").path("gatewaysFromZooKeeper").asText()).isEqualTo(cluster.zookeeperConnect());
    }
  }

  private static double relayedUpBytes(GatewayServer gateway) {
    return gateway.meters().get("presenter.gateway.relayed.bytes").tag("direction", "up").functionCounter().count();
  }
}
