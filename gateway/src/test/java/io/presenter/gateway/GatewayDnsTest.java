package io.presenter.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.presenter.chat.ChatTestCluster;
import io.presenter.gateway.config.GatewayConfig;
import io.presenter.gateway.server.GatewayServer;
import io.presenter.gateway.testing.BindExtension;
import io.presenter.gateway.weight.HostPort;
import io.presenter.gateway.weight.Rfc2136WeightPublisher;
import io.presenter.gateway.weight.WeightSnapshot;
import io.presenter.runtime.testing.ZooKeeperExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Name;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Type;

/**
 * Real gateways (in front of a real chat server and ZooKeeper) publishing their weights to a real
 * BIND by RFC 2136: what clients resolving {@code _presenter._tcp.presenter.test.} would get.
 */
class GatewayDnsTest {
  @RegisterExtension final ZooKeeperExtension zk = new ZooKeeperExtension();
  @RegisterExtension final BindExtension bind = new BindExtension();

  @TempDir Path dir;
  private ChatTestCluster chat;
  private GatewayTestCluster gateways;
  private TlsTestClient phones;

  @BeforeEach
  void start() throws Exception {
    chat = new ChatTestCluster(zk.connectString(), dir);
    chat.start("chat-a");
    gateways = new GatewayTestCluster(zk.connectString(), dir, chat.keyFile());
    phones = new TlsTestClient(gateways.certs.ca().toFile());
  }

  @AfterEach
  void stop() {
    phones.close();
    gateways.close();
    chat.close();
  }

  private Map<String, Object> rfc2136(String secret) {
    return Map.of(
        "presenter.gateway.weights.interval", "200ms",
        "presenter.gateway.weights.rfc2136.enabled", true,
        "presenter.gateway.weights.rfc2136.server", bind.server(),
        "presenter.gateway.weights.rfc2136.zone", BindExtension.ZONE,
        "presenter.gateway.weights.rfc2136.tsig.key-name", bind.keyName(),
        "presenter.gateway.weights.rfc2136.tsig.secret", secret);
  }

  private SRVRecord srvOf(String id) throws Exception {
    Name target = Name.fromString(id + "." + BindExtension.ZONE);
    return bind.srv("_presenter._tcp").stream().filter(r -> r.getTarget().equals(target)).findFirst().orElse(null);
  }

  private double failures(GatewayServer g, String publisher) {
    return g.meters().get("presenter.gateway.weight.publish.failures").tag("publisher", publisher).counter().count();
  }

  @Test
  void aDrainingGatewayLeavesDnsFirstWhileTheOthersStay() throws Exception {
    GatewayServer a = gateways.start("gw-a", rfc2136(bind.secret()));
    GatewayServer b = gateways.start("gw-b", rfc2136(bind.secret()));
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
      assertThat(srvOf("gw-a")).isNotNull();
      assertThat(srvOf("gw-b")).isNotNull();
    });
    assertThat(srvOf("gw-a").getPort()).isEqualTo(a.port());
    assertThat(srvOf("gw-b").getPort()).isEqualTo(b.port());
    assertThat(srvOf("gw-a").getWeight()).isEqualTo(a.publishedWeight()).isPositive();
    assertThat(bind.records("gw-a", Type.A)).hasSize(1);

    a.drain();

    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(srvOf("gw-a")).as("draining: out of DNS").isNull());
    assertThat(srvOf("gw-b")).isNotNull();
    assertThat(bind.records("gw-a", Type.A)).as("kept for resolvers holding the old SRV set").hasSize(1);
    assertThat(failures(a, "rfc2136")).isZero();
    assertThat(failures(a, "zookeeper")).isZero();

    gateways.close();
    assertThat(bind.srv("_presenter._tcp")).as("stopped gateways withdraw their records").isEmpty();
    assertThat(bind.records("gw-a", Type.A)).isEmpty();
  }

  @Test
  void incompleteDnsSettingsStopTheStartBeforeAnyClientIsAccepted() {
    Map<String, Object> noZone = new java.util.HashMap<>(rfc2136(bind.secret()));
    noZone.put("presenter.gateway.weights.rfc2136.zone", "");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> gateways.start("gw-bad", noZone))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("zone");
  }

  @Test
  void aDnsServerThatRefusesTheUpdatesDoesNotAffectServing() throws Exception {
    GatewayServer g = gateways.start("gw-a", rfc2136(Base64.getEncoder().encodeToString(new byte[32])));
    await().atMost(Duration.ofSeconds(15)).until(g::isReady);
    await().atMost(Duration.ofSeconds(10)).until(() -> failures(g, "rfc2136") >= 2);

    phones.login(g.port(), chat.token("alice", "couple-" + UUID.randomUUID()), "phone");

    assertThat(g.meters().scrape()).contains("presenter_gateway_weight_publish_failures_total{publisher=\"rfc2136\"}");
    assertThat(failures(g, "zookeeper")).as("the ZooKeeper node is published regardless").isZero();
    assertThat(g.publishedWeight()).isPositive();
    assertThat(bind.srv("_presenter._tcp")).isEmpty();
  }

  @Test
  void theRecordsOfACrashedGatewayAreRemovedByTheFleet() throws Exception {
    // What a gateway that crashed leaves: its SRV and address records, and no ZooKeeper node.
    GatewayConfig.Rfc2136 settings = new GatewayConfig.Rfc2136(true, bind.server(), BindExtension.ZONE, "_presenter._tcp",
        Duration.ofSeconds(30), Duration.ofSeconds(3), Duration.ZERO, new GatewayConfig.Tsig(bind.keyName(), "hmac-sha256", bind.secret(), "", ""));
    new Rfc2136WeightPublisher(settings, null).publish(new WeightSnapshot("gw-crashed", new HostPort("10.0.0.9", 8443), 50, 0, false));
    assertThat(srvOf("gw-crashed")).isNotNull();

    Map<String, Object> sweeping = new java.util.HashMap<>(rfc2136(bind.secret()));
    sweeping.put("presenter.gateway.weights.refresh-every", 1);
    sweeping.put("presenter.gateway.weights.rfc2136.remove-stale-after", "1s");
    gateways.start("gw-a", sweeping);
    gateways.start("gw-b", sweeping);

    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
      assertThat(srvOf("gw-crashed")).isNull();
      assertThat(bind.records("gw-crashed", Type.A)).isEmpty();
    });
    assertThat(srvOf("gw-a")).isNotNull();
    assertThat(srvOf("gw-b")).as("a live gateway is never swept").isNotNull();
    assertThat(bind.records("gw-b", Type.A)).hasSize(1);
  }
}
