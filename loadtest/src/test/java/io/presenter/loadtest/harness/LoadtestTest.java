package io.presenter.loadtest.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.presenter.launcher.LocalCluster;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A short harness run against an in-process cluster: 200 couples (400 TLS connections), 2 gateways. */
class LoadtestTest {
  @TempDir Path dir;

  @Test
  void shortRunDeliversEverythingOnceAndWritesTheReports() throws Exception {
    try (LocalCluster cluster = new LocalCluster(dir.resolve("cluster"), 2, 2, 0).start()) {
      cluster.gateways().forEach(g -> await().atMost(Duration.ofSeconds(20)).until(g::isReady));
      List<InetSocketAddress> gateways =
          cluster.gateways().stream().map(g -> InetSocketAddress.createUnresolved("127.0.0.1", g.port())).toList();
      Path out = dir.resolve("report");
      LoadtestOptions options = new LoadtestOptions(gateways, cluster.caFile(), cluster.keyFile(), 200, 300, 2,
          SizeDistribution.parse("100-1000"), Duration.ofSeconds(4), Duration.ofSeconds(10), out, null, -1, 2);
      ByteArrayOutputStream console = new ByteArrayOutputStream();
      LoadReport report = new Loadtest(options, new PrintStream(console, true, StandardCharsets.UTF_8)).run();
      report.write(out);
      String summary = report.summary();
      System.out.print(console.toString(StandardCharsets.UTF_8));
      System.out.print(summary);

      assertThat(report.failures()).as(summary).isEmpty();
      assertThat(console.toString(StandardCharsets.UTF_8)).as("plain progress lines when not a TTY").contains("done", "conn 400/400");
      JsonNode json = new ObjectMapper().readTree(out.resolve("report.json").toFile());
      assertThat(json.path("peakConnections").asInt()).isEqualTo(400);
      assertThat(json.path("sent").asLong()).as(summary).isGreaterThan(800);
      assertThat(json.path("acked").asLong()).isEqualTo(json.path("sent").asLong());
      assertThat(json.path("delivered").asLong()).isEqualTo(json.path("acked").asLong());
      assertThat(json.path("lost").asLong()).isZero();
      assertThat(json.path("duplicated").asLong()).isZero();
      assertThat(json.path("outOfOrder").asLong()).isZero();
      assertThat(json.path("passed").asBoolean()).isTrue();
      for (String latency : List.of("connect", "ack", "delivery")) {
        JsonNode l = json.path("latencyMs").path(latency);
        for (String f : List.of("p50", "p99", "p999", "max")) {
          assertThat(l.has(f)).as(latency + "." + f).isTrue();
        }
        assertThat(l.path("count").asLong()).as(latency).isPositive();
        assertThat(l.path("p50").asDouble()).isLessThanOrEqualTo(l.path("p99").asDouble());
        assertThat(json.path("latencyDistribution").path(latency).size()).isPositive();
      }
      assertThat(json.path("latencyMs").path("connect").path("count").asLong()).isEqualTo(400);
      JsonNode series = json.path("timeSeries");
      assertThat(series.size()).isGreaterThanOrEqualTo(4);
      assertThat(series.get(0).has("connections")).isTrue();
      assertThat(series.get(0).has("deliveryP99Ms")).isTrue();

      String html = Files.readString(out.resolve("report.html"));
      assertThat(html).startsWith("<!DOCTYPE html>").endsWith("</html>\n");
      assertThat(html).contains("Connections", "Throughput", "Delivery latency per second", "Errors and reconnects", "Latency by percentile");
      assertThat(html.split("<svg ", -1)).hasSize(6);
      assertThat(html.split("</svg>", -1)).hasSize(6);
      assertThat(html).contains("<polyline");
      assertThat(html).doesNotContain("http://", "https://", "<script src", "<link");
    }
  }

  @Test
  void sizesParse() {
    assertThat(SizeDistribution.parse("500")).isEqualTo(new SizeDistribution(500, 500));
    assertThat(SizeDistribution.parse("100-2000")).isEqualTo(new SizeDistribution(100, 2000));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> SizeDistribution.parse("8")).isInstanceOf(IllegalArgumentException.class);
  }
}
