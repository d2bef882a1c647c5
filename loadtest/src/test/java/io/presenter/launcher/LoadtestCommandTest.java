package io.presenter.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.presenter.loadtest.harness.Gateway;
import io.presenter.loadtest.harness.LoadtestOptions;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Option parsing of presenter loadtest (the run itself is tested in LoadtestTest). */
class LoadtestCommandTest {
  @TempDir Path dir;

  private static Args args(String... a) {
    return new Args(a, 0, LoadtestCommand.OPTIONS, LoadtestCommand.FLAGS);
  }

  @Test
  void durations() {
    assertThat(Args.duration("50ms")).isEqualTo(Duration.ofMillis(50));
    assertThat(Args.duration("1.5s")).isEqualTo(Duration.ofMillis(1500));
    assertThat(Args.duration("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(Args.duration("30")).isEqualTo(Duration.ofSeconds(30));
    assertThatThrownBy(() -> Args.duration("fast")).isInstanceOf(Args.UsageException.class);
  }

  @Test
  void localJsonGivesGatewaysCaAndKey() throws Exception {
    Files.writeString(dir.resolve("local.json"), """
        {"zookeeper":"127.0.0.1:2181","ca":"/x/ca.pem","tokenKey":"/x/keys.json",
         "gateways":[{"address":"127.0.0.1:8443","admin":"a"},{"address":"127.0.0.1:8444","admin":"b"}]}
        """);
    LoadtestOptions o = LoadtestCommand.options(args("--local", dir.toString(), "--couples", "10", "--size", "100-2000",
        "--max-p99", "50ms", "--max-errors", "0"));
    assertThat(o.gateways()).extracting(Gateway::port).containsExactly(8443, 8444);
    assertThat(o.weighted()).isFalse();
    assertThat(o.ca()).isEqualTo(Path.of("/x/ca.pem"));
    assertThat(o.keyFile()).isEqualTo(Path.of("/x/keys.json"));
    assertThat(o.couples()).isEqualTo(10);
    assertThat(o.size().max()).isEqualTo(2000);
    assertThat(o.maxP99()).isEqualTo(Duration.ofMillis(50));
    assertThat(o.maxErrors()).isZero();
  }

  @Test
  void tooManyConnectionsForOneProcessIsAUsageError() {
    assertThatThrownBy(() -> LoadtestCommand.options(args("--gateways", "127.0.0.1:1", "--ca", "c", "--key-file", "k",
        "--couples", "20000", "--workers", "1"))).isInstanceOf(Args.UsageException.class).hasMessageContaining("20,000 files");
  }

  @Test
  void workersDefaultToAtMost18000ConnectionsEach() throws Exception {
    assertThat(LoadtestCommand.options(args("--gateways", "127.0.0.1:1", "--ca", "c", "--key-file", "k")).workers()).isEqualTo(1);
    assertThat(LoadtestCommand.options(args("--gateways", "127.0.0.1:1", "--ca", "c", "--key-file", "k", "--couples", "9000"))
        .workers()).isEqualTo(1);
    assertThat(LoadtestCommand.options(args("--gateways", "127.0.0.1:1", "--ca", "c", "--key-file", "k", "--couples", "9001"))
        .workers()).isEqualTo(2);
    assertThat(LoadtestCommand.options(args("--gateways", "127.0.0.1:1", "--ca", "c", "--key-file", "k", "--couples", "50000"))
        .workers()).isEqualTo(6);
  }

  @Test
  void sourcesAreAListOrARange() throws Exception {
    LoadtestOptions o = LoadtestCommand.options(args("--gateways", "127.0.0.1:1", "--ca", "c", "--key-file", "k",
        "--sources", "127.0.0.1-127.0.0.3,127.0.0.9"));
    assertThat(o.sources()).extracting(InetAddress::getHostAddress).containsExactly("127.0.0.1", "127.0.0.2", "127.0.0.3", "127.0.0.9");
    assertThatThrownBy(() -> Args.addresses("sources", "127.0.0.9-127.0.0.1")).isInstanceOf(Args.UsageException.class);
    assertThatThrownBy(() -> Args.addresses("sources", "127.0.0.0-127.0.1.0")).hasMessageContaining("at most 256");
  }

  @Test
  void gatewayWeightsMakeTheChoiceWeighted() throws Exception {
    LoadtestOptions o = LoadtestCommand.options(args("--gateways", "127.0.0.1:1=3, 127.0.0.1:2", "--ca", "c", "--key-file", "k"));
    assertThat(o.weighted()).isTrue();
    assertThat(o.gateways()).extracting(Gateway::weight).containsExactly(3.0, 1.0);
    Files.writeString(dir.resolve("local.json"), """
        {"ca":"/x/ca.pem","tokenKey":"/x/keys.json","gateways":[{"address":"127.0.0.1:8443"},{"address":"127.0.0.1:8444"}]}
        """);
    LoadtestOptions local = LoadtestCommand.options(args("--local", dir.toString(), "--gateway-weights", "1,0"));
    assertThat(local.weighted()).isTrue();
    assertThat(local.gateways()).extracting(Gateway::weight).containsExactly(1.0, 0.0);
    assertThatThrownBy(() -> LoadtestCommand.options(args("--local", dir.toString(), "--gateway-weights", "1")))
        .hasMessageContaining("one weight per gateway");
    assertThatThrownBy(() -> LoadtestCommand.options(args("--local", dir.toString(), "--gateway-weights", "0,0")))
        .hasMessageContaining("must not all be 0");
  }

  @Test
  void scenarios() throws Exception {
    LoadtestOptions o = LoadtestCommand.options(args("--gateways", "127.0.0.1:1", "--ca", "c", "--key-file", "k",
        "--devices-per-user", "3", "--typing-rate", "6", "--read-every", "0", "--reconnect-storm", "25@12.5",
        "--tls-resumption", "off", "--idle"));
    assertThat(o.devicesPerUser()).isEqualTo(3);
    assertThat(o.connections()).isEqualTo(600);
    assertThat(o.typingRate()).isEqualTo(6);
    assertThat(o.readEvery()).isZero();
    assertThat(o.storm()).isEqualTo(new LoadtestOptions.Storm(25, Duration.ofMillis(12_500)));
    assertThat(o.tlsResumption()).isFalse();
    assertThat(o.idle()).isTrue();
    LoadtestOptions defaults = LoadtestCommand.options(args("--gateways", "127.0.0.1:1", "--ca", "c", "--key-file", "k"));
    assertThat(defaults.tlsResumption()).isTrue();
    assertThat(defaults.idle()).isFalse();
    assertThat(defaults.storm()).isNull();
    assertThatThrownBy(() -> LoadtestCommand.options(args("--gateways", "127.0.0.1:1", "--ca", "c", "--key-file", "k",
        "--reconnect-storm", "10"))).hasMessageContaining("PERCENT@SECONDS");
    assertThat(LoadtestCommand.options(args("--gateways", "127.0.0.1:1", "--ca", "c", "--key-file", "k", "--couples", "9000",
        "--devices-per-user", "2")).workers()).as("36,000 connections").isEqualTo(2);
  }
}
