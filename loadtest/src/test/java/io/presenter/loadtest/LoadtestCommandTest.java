package io.presenter.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.presenter.loadtest.harness.Gateway;
import io.presenter.loadtest.harness.LoadtestOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/** Option parsing of presenter loadtest (the run itself is tested in LoadtestTest). */
class LoadtestCommandTest {
  @TempDir Path dir;

  private static LoadtestOptions options(String... more) {
    String[] args = new String[more.length + 6];
    System.arraycopy(new String[] {"--gateways", "127.0.0.1:1", "--ca", "c", "--key-file", "k"}, 0, args, 0, 6);
    System.arraycopy(more, 0, args, 6, more.length);
    return LoadtestCommand.options(args);
  }

  /** Runs {@code presenter ARGS} through the harness's main command line; returns what it printed. */
  private static String run(int expectedStatus, String... args) {
    StringWriter out = new StringWriter();
    CommandLine line = LoadtestMain.commandLine(new LoadtestMain());
    line.setOut(new PrintWriter(out));
    line.setErr(new PrintWriter(out));
    assertThat(line.execute(args)).as("exit status; printed: %s", out).isEqualTo(expectedStatus);
    return out.toString();
  }

  @Test
  void localJsonGivesGatewaysCaAndKey() throws Exception {
    Files.writeString(dir.resolve("local.json"), """
        {"zookeeper":"127.0.0.1:2181","ca":"/x/ca.pem","tokenKey":"/x/keys.json",
         "gateways":[{"address":"127.0.0.1:8443","admin":"a"},{"address":"127.0.0.1:8444","admin":"b"}]}
        """);
    LoadtestOptions o = LoadtestCommand.options("--local", dir.toString(), "--couples", "10", "--size", "100-2000",
        "--max-p99", "50ms", "--max-errors", "0", "--zookeeper", "local");
    assertThat(o.gateways()).extracting(Gateway::port).containsExactly(8443, 8444);
    assertThat(o.weighted()).isFalse();
    assertThat(o.ca()).isEqualTo(Path.of("/x/ca.pem"));
    assertThat(o.keyFile()).isEqualTo(Path.of("/x/keys.json"));
    assertThat(o.couples()).isEqualTo(10);
    assertThat(o.size().max()).isEqualTo(2000);
    assertThat(o.maxP99()).isEqualTo(Duration.ofMillis(50));
    assertThat(o.maxErrors()).isZero();
    assertThat(o.zookeeper()).isEqualTo("127.0.0.1:2181");
    assertThatThrownBy(() -> LoadtestCommand.options("--local", dir.toString(), "--ca", "c"))
        .isInstanceOf(ParameterException.class).hasMessageContaining("--local excludes");
  }

  @Test
  void defaultsAreTheAnnotations() {
    LoadtestOptions o = options();
    assertThat(o.couples()).isEqualTo(100);
    assertThat(o.ramp()).isEqualTo(500);
    assertThat(o.rate()).isEqualTo(1);
    assertThat(o.size().toString()).isEqualTo("200");
    assertThat(o.duration()).isEqualTo(Duration.ofSeconds(30));
    assertThat(o.grace()).isEqualTo(Duration.ofSeconds(10));
    assertThat(o.out()).isEqualTo(Path.of("loadtest-report"));
    assertThat(o.maxP99()).isNull();
    assertThat(o.maxErrors()).isEqualTo(-1);
    assertThat(o.threads()).isEqualTo(2);
    assertThat(o.sources()).isEmpty();
    assertThat(o.devicesPerUser()).isEqualTo(1);
    assertThat(o.typingRate()).isEqualTo(4);
    assertThat(o.readEvery()).isEqualTo(5);
    assertThat(o.storm()).isNull();
    assertThat(o.tlsResumption()).isTrue();
    assertThat(o.idle()).isFalse();
    assertThat(o.zookeeper()).isNull();
  }

  @Test
  void tooManyConnectionsForOneProcessIsAUsageError() {
    assertThatThrownBy(() -> options("--couples", "20000", "--workers", "1"))
        .isInstanceOf(ParameterException.class).hasMessageContaining("20,000 files");
    assertThat(run(2, "loadtest", "--gateways", "127.0.0.1:1", "--ca", "c", "--key-file", "k", "--couples", "20000",
        "--workers", "1")).contains("presenter loadtest: ", "20,000 files", "Try 'presenter loadtest --help'");
  }

  @Test
  void workersDefaultToAtMost18000ConnectionsEach() {
    assertThat(options().workers()).isEqualTo(1);
    assertThat(options("--couples", "9000").workers()).isEqualTo(1);
    assertThat(options("--couples", "9001").workers()).isEqualTo(2);
    assertThat(options("--couples", "50000").workers()).isEqualTo(6);
    assertThat(options("--couples", "9000", "--devices-per-user", "2").workers()).as("36,000 connections").isEqualTo(2);
  }

  @Test
  void sourcesAreAListOrARange() {
    LoadtestOptions o = options("--sources", "127.0.0.1-127.0.0.3,127.0.0.9");
    assertThat(o.sources()).extracting(InetAddress::getHostAddress).containsExactly("127.0.0.1", "127.0.0.2", "127.0.0.3", "127.0.0.9");
    assertThatThrownBy(() -> options("--sources", "127.0.0.0-127.0.1.0")).hasMessageContaining("at most 256");
  }

  @Test
  void gatewayWeightsMakeTheChoiceWeighted() throws Exception {
    LoadtestOptions o = LoadtestCommand.options("--gateways", "127.0.0.1:1=3, 127.0.0.1:2", "--ca", "c", "--key-file", "k");
    assertThat(o.weighted()).isTrue();
    assertThat(o.gateways()).extracting(Gateway::weight).containsExactly(3.0, 1.0);
    Files.writeString(dir.resolve("local.json"), """
        {"ca":"/x/ca.pem","tokenKey":"/x/keys.json","gateways":[{"address":"127.0.0.1:8443"},{"address":"127.0.0.1:8444"}]}
        """);
    LoadtestOptions local = LoadtestCommand.options("--local", dir.toString(), "--gateway-weights", "1,0");
    assertThat(local.weighted()).isTrue();
    assertThat(local.gateways()).extracting(Gateway::weight).containsExactly(1.0, 0.0);
    assertThatThrownBy(() -> LoadtestCommand.options("--local", dir.toString(), "--gateway-weights", "1"))
        .hasMessageContaining("one weight per gateway");
    assertThatThrownBy(() -> LoadtestCommand.options("--local", dir.toString(), "--gateway-weights", "0,0"))
        .hasMessageContaining("must not all be 0");
    assertThatThrownBy(() -> LoadtestCommand.options("--local", dir.toString(), "--gateway-weights", "1,1", "--zookeeper", "z"))
        .hasMessageContaining("published weights");
  }

  @Test
  void scenarios() {
    LoadtestOptions o = options("--devices-per-user", "3", "--typing-rate", "6", "--read-every", "0",
        "--reconnect-storm", "25@12.5", "--tls-resumption", "off", "--idle");
    assertThat(o.devicesPerUser()).isEqualTo(3);
    assertThat(o.connections()).isEqualTo(600);
    assertThat(o.typingRate()).isEqualTo(6);
    assertThat(o.readEvery()).isZero();
    assertThat(o.storm()).isEqualTo(new LoadtestOptions.Storm(25, Duration.ofMillis(12_500)));
    assertThat(o.tlsResumption()).isFalse();
    assertThat(o.idle()).isTrue();
    assertThatThrownBy(() -> options("--reconnect-storm", "10")).hasMessageContaining("PERCENT@SECONDS");
    assertThatThrownBy(() -> options("--tls-resumption", "maybe")).hasMessageContaining("--tls-resumption");
  }

  @Test
  void helpAndUsageErrors() {
    assertThat(run(0, "loadtest", "--help")).contains("Usage: presenter loadtest", "--couples=C", "(default 100)",
        "--reconnect-storm=PCT@SECONDS", "drop PCT % of", "--sources=LIST|RANGE").doesNotContain("%%");
    assertThat(run(0, "--help")).contains("loadtest", "bench").doesNotContain("loadtest-worker");
    assertThat(run(2, "loadtest", "--couples", "many")).contains("presenter loadtest: Invalid value for option '--couples'");
    assertThat(run(2, "loadtest", "--duration", "soon")).contains("bad duration 'soon'");
    assertThat(run(2, "loadtest", "--couples", "5")).contains("give --local DATA_DIR, or --gateways, --ca and --key-file");
    assertThat(run(2, "bench", "--local", dir.toString())).contains("Missing required option: '--target=HOST:PORT'");
  }
}
