package io.presenter.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.presenter.gateway.server.GatewayServer;
import io.presenter.launcher.LocalCluster;
import io.presenter.loadtest.bench.Bench;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `presenter bench` against an in-process local cluster: every phase runs and reports, nothing fails. */
class BenchCommandTest {
  @TempDir Path dir;

  @Test
  void benchReportsEveryFigureWithoutErrors() throws Exception {
    try (LocalCluster cluster = new LocalCluster(dir, 1, 1, 0).start()) {
      cluster.writeDescription();
      GatewayServer gateway = cluster.gateways().get(0);
      await().atMost(Duration.ofSeconds(20)).until(gateway::isReady);
      Path out = dir.resolve("bench.json");
      String[] argv = {
        "--local", dir.toString(), "--target", "127.0.0.1:" + gateway.port(), "--connections", "20",
        "--concurrency", "5", "--resume", "10", "--hold", "0", "--messages-per-second", "50", "--seconds", "2",
        "--admin", "http://127.0.0.1:" + gateway.adminPort(), "--out", out.toString()
      };
      BenchCommand command = new BenchCommand();
      LoadtestMain.commandLine(command).parseArgs(argv);
      new Bench(command.options()).run();

      JsonNode report = new ObjectMapper().readTree(out.toFile());
      assertThat(report.path("errors").asLong(-1)).isZero();
      assertThat(report.path("unexpectedCloses").asLong(-1)).isZero();
      assertThat(report.at("/full/authenticated").asInt()).isEqualTo(20);
      assertThat(report.at("/full/perSecond").asDouble()).isPositive();
      assertThat(report.at("/full/handshakeMs/p99").asDouble()).isPositive();
      assertThat(report.at("/resumed/authenticated").asInt()).isEqualTo(10);
      assertThat(report.at("/resumed/resumedByClient").asInt()).isEqualTo(10);
      assertThat(report.at("/resumed/gatewayResumedDelta").asDouble()).isEqualTo(10);
      assertThat(report.at("/hold/openAtEnd").asInt()).isEqualTo(20);
      assertThat(report.at("/relay/sent").asLong()).isEqualTo(100);
      assertThat(report.at("/relay/lost").asLong()).isZero();
      assertThat(report.at("/relay/latencyMs/p50").asDouble()).isPositive();
    }
  }
}
