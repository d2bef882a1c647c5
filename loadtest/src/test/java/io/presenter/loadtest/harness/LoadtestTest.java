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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Short harness runs against one in-process cluster (2 chat servers, 2 gateways): in-process and with worker processes. */
class LoadtestTest {
  @TempDir static Path dir;
  private static LocalCluster cluster;

  @BeforeAll
  static void startCluster() throws Exception {
    cluster = new LocalCluster(dir.resolve("cluster"), 2, 2, 0).start();
    cluster.gateways().forEach(g -> await().atMost(Duration.ofSeconds(20)).until(g::isReady));
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  /** {@code presenter loadtest} against the cluster's gateways (taken in turn), writing to {@code out}, with {@code more}. */
  private static LoadtestOptions options(Path out, String... more) {
    List<String> args = new ArrayList<>(List.of("--gateways", gatewayList(g -> ""), "--ca", cluster.caFile().toString(),
        "--key-file", cluster.keyFile().toString(), "--out", out.toString()));
    args.addAll(List.of(more));
    return LoadtestCommand.options(args.toArray(String[]::new));
  }

  /** The gateways as {@code --gateways} takes them, each with the suffix {@code weight} gives it. */
  private static String gatewayList(Function<GatewayServer, String> weight) {
    return cluster.gateways().stream().map(g -> "127.0.0.1:" + g.port() + weight.apply(g)).collect(Collectors.joining(","));
  }

  private static long relayedUpBytes() {
    return (long) cluster.gateways().stream()
        .mapToDouble(g -> g.meters().get("presenter.gateway.relayed.bytes").tag("direction", "up").functionCounter().count()).sum();
  }

  /** Runs, writes the reports, prints progress and summary; returns report.json. */
  private static JsonNode run(LoadtestOptions options, StringBuilder console) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    LoadReport report = new Loadtest(options, new PrintStream(bytes, true, StandardCharsets.UTF_8)).run();
    report.write(options.out());
    String summary = report.summary();
    console.append(bytes.toString(StandardCharsets.UTF_8));
    System.out.print(console);
    System.out.print(summary);
    assertThat(report.failures()).as(summary).isEmpty();
    return new ObjectMapper().readTree(options.out().resolve("report.json").toFile());
  }

  private static void assertNoLossAndWellFormed(JsonNode json, Path out) throws Exception {
    assertThat(json.path("acked").asLong()).isEqualTo(json.path("sent").asLong());
    assertThat(json.path("lost").asLong()).isZero();
    assertThat(json.path("duplicated").asLong()).isZero();
    assertThat(json.path("outOfOrder").asLong()).isZero();
    assertThat(json.path("seqMismatch").asLong()).isZero();
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

  @Test
  void inProcessRunFromSeveralSourceAddressesDeliversEverythingOnce() throws Exception {
    Path out = dir.resolve("in-process");
    StringBuilder console = new StringBuilder();
    JsonNode json = run(options(out, "--couples", "200", "--ramp", "300", "--rate", "2", "--size", "100-1000",
        "--duration", "4s", "--workers", "1", "--sources", "127.0.0.1-127.0.0.3"), console);

    assertThat(console.toString()).as("plain progress lines when not a TTY").contains("done", "conn 400/400");
    assertThat(json.path("peakConnections").asInt()).isEqualTo(400);
    assertThat(json.path("sent").asLong()).isGreaterThan(800);
    assertThat(json.path("delivered").asLong()).isEqualTo(json.path("acked").asLong());
    assertThat(json.path("latencyMs").path("connect").path("count").asLong()).isEqualTo(400);
    assertThat(json.path("config").path("sources").size()).isEqualTo(3);
    for (JsonNode g : json.path("connectionsPerGateway")) {
      assertThat(g.path("assigned").asLong()).as("round-robin").isEqualTo(200);
      assertThat(g.path("authenticated").asLong()).isEqualTo(200);
    }
    assertThat(json.path("errors").asLong()).isZero();
    assertNoLossAndWellFormed(json, out);
  }

  @Test
  void workerProcessesAreMergedIntoOneReport() throws Exception {
    Path out = dir.resolve("workers");
    StringBuilder console = new StringBuilder();
    String weighted = gatewayList(g -> g == cluster.gateways().get(0) ? "=3" : "=1");
    JsonNode json = run(LoadtestCommand.options("--gateways", weighted, "--ca", cluster.caFile().toString(),
        "--key-file", cluster.keyFile().toString(), "--out", out.toString(), "--couples", "300", "--ramp", "600",
        "--rate", "2", "--duration", "4s", "--workers", "2"), console);

    assertThat(json.path("peakConnections").asInt()).isEqualTo(600);
    assertThat(json.path("sent").asLong()).isGreaterThan(1200);
    assertThat(json.path("delivered").asLong()).isEqualTo(json.path("acked").asLong());
    assertThat(json.path("latencyMs").path("connect").path("count").asLong()).isEqualTo(600);
    assertNoLossAndWellFormed(json, out);
    List<Long> perGateway = new java.util.ArrayList<>();
    json.path("connectionsPerGateway").forEach(g -> perGateway.add(g.path("authenticated").asLong()));
    assertThat(perGateway.get(0) + perGateway.get(1)).isEqualTo(600);
    assertThat(perGateway.get(0)).as("weights 3:1, %s", perGateway).isBetween(390L, 510L);
    JsonNode workers = json.path("workers");
    assertThat(workers.size()).isEqualTo(2);
    assertThat(workers.get(0).path("couples").asInt() + workers.get(1).path("couples").asInt()).isEqualTo(300);
    for (String count : List.of("sent", "acked", "delivered", "errors")) {
      assertThat(workers.get(0).path("counts").path(count).asLong() + workers.get(1).path("counts").path(count).asLong())
          .as("merged %s is the sum of the workers'", count).isEqualTo(json.path(count).asLong());
    }
    for (JsonNode w : workers) {
      assertThat(w.path("counts").path("sent").asLong()).isPositive();
      assertThat(w.path("rssMb").asLong()).isPositive();
      assertThat(Files.readString(Path.of(w.path("log").asText()))).contains("done").doesNotContain("LEAK");
    }
    long seriesSent = 0;
    for (JsonNode p : json.path("timeSeries")) {
      seriesSent += p.path("sent").asLong();
    }
    assertThat(seriesSent).as("per-second series sum to the totals").isEqualTo(json.path("sent").asLong());
  }

  @Test
  void twoDevicesPerUserThroughAReconnectStormLoseNothingAndResumeTls() throws Exception {
    Path out = dir.resolve("storm");
    StringBuilder console = new StringBuilder();
    JsonNode json = run(options(out, "--couples", "100", "--devices-per-user", "2", "--ramp", "400", "--rate", "4",
        "--typing-rate", "30", "--read-every", "3", "--duration", "6s", "--reconnect-storm", "30@3", "--workers", "1"), console);

    assertNoLossAndWellFormed(json, out);
    assertThat(json.path("config").path("receiversPerMessage").asInt()).isEqualTo(3);
    assertThat(json.path("peakConnections").asInt()).isEqualTo(400);
    assertThat(json.path("delivered").asLong()).as("b's two devices and a's second").isEqualTo(3 * json.path("acked").asLong());
    assertThat(json.path("deliveriesExpected").asLong()).isEqualTo(json.path("delivered").asLong());
    assertThat(json.path("lostDeliveries").asLong()).isZero();
    long dropped = json.path("dropped").asLong();
    // The storm drops 30 % of the clients connected at 3 s, however many the ramp had connected by then.
    long connectedAtStorm = json.path("stormConnected").asLong();
    assertThat(connectedAtStorm).isBetween(1L, 400L);
    assertThat(dropped).as("30 %% of %s", connectedAtStorm).isEqualTo(Math.round(connectedAtStorm * 0.3)).isPositive();
    assertThat(json.path("reconnects").asLong()).isEqualTo(dropped);
    assertThat(json.path("latencyMs").path("reconnect").path("count").asLong()).isEqualTo(dropped);
    assertThat(json.path("handshakesFull").asLong()).as("first connections").isEqualTo(400);
    assertThat(json.path("handshakesResumed").asLong()).as("reconnects resume their own session").isPositive();
    assertThat(json.path("latencyMs").path("handshake_resumed").path("count").asLong()).isEqualTo(json.path("handshakesResumed").asLong());
    assertThat(json.path("errors").asLong()).as("dropped connections are not errors").isZero();
    assertThat(json.path("typingSent").asLong()).isPositive();
    assertThat(json.path("typingReceived").asLong()).as("relayed to b's devices").isPositive();
    assertThat(json.path("receiptsSent").asLong()).isPositive();
    assertThat(json.path("receiptsReceived").asLong()).as("relayed to a's devices").isPositive();
  }

  @Test
  void aWorkerThatDiesIsReportedAndFailsTheRun() throws Exception {
    Path out = dir.resolve("worker-lost");
    LoadtestOptions options = options(out, "--couples", "40", "--ramp", "200", "--rate", "1", "--duration", "5s", "--workers", "2");
    CompletableFuture<LoadReport> run = CompletableFuture.supplyAsync(() -> {
      try {
        return new Loadtest(options, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)).run();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    // This test's own grandchild: the second worker process of the run, killed by its PID once every client
    // is connected and messages flow.
    ProcessHandle worker = await().atMost(Duration.ofSeconds(30)).until(() -> ProcessHandle.current().descendants()
        .filter(p -> arguments(p).containsAll(List.of(Worker.COMMAND, "1"))).findFirst().orElse(null), p -> p != null);
    await().atMost(Duration.ofSeconds(60)).until(() -> cluster.gateways().stream().mapToInt(g -> g.metrics().connections().get()).sum(),
        n -> n == 80);
    long connected = relayedUpBytes();
    await().atMost(Duration.ofSeconds(60)).until(() -> relayedUpBytes() - connected > 40 * 200);
    worker.destroyForcibly();
    LoadReport report = run.get(90, TimeUnit.SECONDS);
    report.write(out);
    assertThat(report.passed()).isFalse();
    assertThat(report.failures()).anySatisfy(f -> assertThat(f).contains("worker 1", "lost"));
    JsonNode json = new ObjectMapper().readTree(out.resolve("report.json").toFile());
    assertThat(json.path("errorsByKind").path("worker-lost").asLong()).isEqualTo(1);
    assertThat(json.path("workers").get(1).path("lost").asText()).contains("exited");
    assertThat(json.path("workers").get(0).path("counts").path("sent").asLong()).as("the other worker finished").isPositive();
    assertThat(ProcessHandle.current().descendants().filter(p -> arguments(p).contains(Worker.COMMAND)).count())
        .as("no worker left behind").isZero();
  }

  /** A process's command line (Linux /proc: ProcessHandle.Info leaves out long ones). */
  private static List<String> arguments(ProcessHandle p) {
    try {
      return List.of(Files.readString(Path.of("/proc/" + p.pid() + "/cmdline")).split("\0"));
    } catch (java.io.IOException e) {
      return List.of();
    }
  }

  @Test
  void sizesParse() {
    assertThat(SizeDistribution.parse("500")).isEqualTo(new SizeDistribution(500, 500));
    assertThat(SizeDistribution.parse("100-2000")).isEqualTo(new SizeDistribution(100, 2000));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> SizeDistribution.parse("8")).isInstanceOf(IllegalArgumentException.class);
  }
}
