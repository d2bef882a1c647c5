package io.presenter.gateway.weight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.presenter.gateway.config.GatewayConfig;
import io.presenter.gateway.testing.BindExtension;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Type;

/**
 * The RFC 2136 publisher against a real BIND: every assertion reads what BIND serves. Each test
 * uses its own SRV owner name and gateway ids, so they share one server.
 */
class Rfc2136WeightPublisherTest {
  @RegisterExtension static final BindExtension bind = new BindExtension();
  private static final AtomicInteger names = new AtomicInteger();

  private final String srvName = "_t" + names.incrementAndGet() + "._tcp";
  private final String prefix = "t" + names.get() + "-";
  /** The sweepers' clock: the grace period passes when a test says so. */
  private final AtomicLong nanos = new AtomicLong();

  private GatewayConfig.Rfc2136 config(String secret, Duration removeStaleAfter) {
    return new GatewayConfig.Rfc2136(true, bind.server(), BindExtension.ZONE, srvName, Duration.ofSeconds(30), Duration.ofSeconds(3),
        removeStaleAfter, new GatewayConfig.Tsig(bind.keyName(), "hmac-sha256", secret, "", ""));
  }

  /** A publisher that does not sweep (as with {@code remove-stale-after = 0s}). */
  private Rfc2136WeightPublisher publisher() {
    return new Rfc2136WeightPublisher(config(bind.secret(), Duration.ZERO), null);
  }

  /** A publisher that sweeps after {@code grace}, taking {@code live} (prefixed ids) as the gateways alive. */
  private Rfc2136WeightPublisher sweeping(Duration grace, LiveGateways live) {
    return new Rfc2136WeightPublisher(config(bind.secret(), grace), live, nanos::get);
  }

  private LiveGateways live(String... ids) {
    Map<String, HostPort> map = new TreeMap<>();
    for (String id : ids) {
      map.put(prefix + id, new HostPort("10.0.0.1", 8443));
    }
    return () -> map;
  }

  private WeightSnapshot serving(String id, String host, int port, int weight) {
    return new WeightSnapshot(prefix + id, new HostPort(host, port), weight, 0, false);
  }

  private static Name name(String relative) throws Exception {
    return Name.fromString(relative, Name.fromString(BindExtension.ZONE));
  }

  private SRVRecord srvOf(String id) throws Exception {
    List<SRVRecord> own = bind.srv(srvName).stream().filter(r -> r.getTarget().equals(unchecked(prefix + id))).toList();
    assertThat(own).as("SRV records of %s", id).hasSizeLessThanOrEqualTo(1);
    return own.isEmpty() ? null : own.get(0);
  }

  private static Name unchecked(String relative) {
    try {
      return name(relative);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void publishingCreatesTheGatewaysSrvAndAddressRecords() throws Exception {
    publisher().publish(serving("gw-a", "10.0.0.1", 8443, 70));

    SRVRecord srv = srvOf("gw-a");
    assertThat(srv).isNotNull();
    assertThat(srv.getPriority()).isEqualTo(10);
    assertThat(srv.getWeight()).isEqualTo(70);
    assertThat(srv.getPort()).isEqualTo(8443);
    assertThat(srv.getTTL()).isEqualTo(30);
    assertThat(bind.records(prefix + "gw-a", Type.A)).singleElement()
        .satisfies(a -> assertThat(((ARecord) a).getAddress().getHostAddress()).isEqualTo("10.0.0.1"));
  }

  @Test
  void aNewWeightReplacesOnlyThisGatewaysSrvRecord() throws Exception {
    Rfc2136WeightPublisher a = publisher();
    Rfc2136WeightPublisher b = publisher();
    a.publish(serving("gw-a", "10.0.0.1", 8443, 70));
    b.publish(serving("gw-b", "10.0.0.2", 8443, 40));

    a.publish(serving("gw-a", "10.0.0.1", 8443, 25));

    assertThat(bind.srv(srvName)).hasSize(2);
    assertThat(srvOf("gw-a").getWeight()).isEqualTo(25);
    assertThat(srvOf("gw-b").getWeight()).as("the other gateway's record is untouched").isEqualTo(40);
  }

  @Test
  void aDrainingGatewayLeavesTheSrvSetButKeepsItsAddressUntilItWithdraws() throws Exception {
    Rfc2136WeightPublisher a = publisher();
    Rfc2136WeightPublisher b = publisher();
    a.publish(serving("gw-a", "10.0.0.1", 8443, 70));
    b.publish(serving("gw-b", "10.0.0.2", 8443, 40));

    a.publish(new WeightSnapshot(prefix + "gw-a", new HostPort("10.0.0.1", 8443), 0, 12, true));

    assertThat(srvOf("gw-a")).as("draining: out of the SRV set").isNull();
    assertThat(srvOf("gw-b")).isNotNull();
    assertThat(bind.records(prefix + "gw-a", Type.A)).as("stale SRV caches still reach it").hasSize(1);

    a.withdraw();
    assertThat(bind.records(prefix + "gw-a", Type.A)).isEmpty();
    assertThat(srvOf("gw-b")).isNotNull();
    assertThat(bind.records(prefix + "gw-b", Type.A)).hasSize(1);
  }

  @Test
  void aRestartedGatewayReplacesTheRecordsOfItsPreviousRun() throws Exception {
    publisher().publish(serving("gw-a", "10.0.0.1", 1111, 50)); // an earlier process that crashed

    publisher().publish(serving("gw-a", "::1", 2222, 50));

    assertThat(srvOf("gw-a").getPort()).isEqualTo(2222);
    assertThat(bind.records(prefix + "gw-a", Type.A)).isEmpty();
    assertThat(bind.records(prefix + "gw-a", Type.AAAA)).singleElement()
        .satisfies(r -> assertThat(((AAAARecord) r).getAddress().getHostAddress()).isEqualTo("0:0:0:0:0:0:0:1"));
  }

  @Test
  void aHostNameBecomesTheSrvTargetWithoutAnAddressRecord() throws Exception {
    publisher().publish(new WeightSnapshot(prefix + "gw-a", new HostPort("gw-a.example.net", 443), 60, 0, false));

    assertThat(bind.srv(srvName)).singleElement()
        .satisfies(srv -> assertThat(srv.getTarget()).isEqualTo(Name.fromString("gw-a.example.net.")));
    assertThat(bind.records(prefix + "gw-a", Type.A)).isEmpty();
  }

  @Test
  void aWrongTsigSecretIsRefusedByTheServerAndCountedWithoutEscaping() throws Exception {
    String wrong = Base64.getEncoder().encodeToString(new byte[32]);
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    AtomicInteger connections = new AtomicInteger();
    try (WeightPublishing publishing = new WeightPublishing(prefix + "gw-a", new HostPort("10.0.0.1", 8443), new WeightCalculator(100),
        connections::get, () -> false, () -> 0.0, meters)) {
      publishing.add(new Rfc2136WeightPublisher(config(wrong, Duration.ZERO), null), 1);
      assertThat(meters.get(GuardedPublisher.FAILURES).tag("publisher", "rfc2136").counter().count()).as("registered at 0").isZero();

      publishing.publishNow().get(10, TimeUnit.SECONDS); // no exception comes out
      publishing.publishNow().get(10, TimeUnit.SECONDS);

      assertThat(meters.get(GuardedPublisher.FAILURES).tag("publisher", "rfc2136").counter().count()).isEqualTo(2);
      assertThat(bind.srv(srvName)).as("BIND refused the updates").isEmpty();
      assertThat(publishing.lastWeight()).isEqualTo(100);
    }
  }

  @Test
  void theScheduleFollowsTheWeightIntoDns() throws Exception {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    AtomicInteger connections = new AtomicInteger();
    try (WeightPublishing publishing = new WeightPublishing(prefix + "gw-a", new HostPort("10.0.0.1", 8443), new WeightCalculator(100),
        connections::get, () -> false, () -> 0.0, meters)) {
      publishing.add(publisher(), 100).start(Duration.ofMillis(100));
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(srvOf("gw-a")).isNotNull());
      assertThat(srvOf("gw-a").getWeight()).isEqualTo(100);

      connections.set(60);
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(srvOf("gw-a").getWeight()).isEqualTo(40));
      assertThat(meters.get(GuardedPublisher.FAILURES).tag("publisher", "rfc2136").counter().count()).isZero();
    }
    assertThat(srvOf("gw-a")).as("closing withdraws the records").isNull();
    assertThat(bind.records(prefix + "gw-a", Type.A)).isEmpty();
  }

  @Test
  void theLowestLiveGatewayRemovesWhatACrashedGatewayLeftAfterTheGracePeriod() throws Exception {
    publisher().publish(serving("gw-ghost", "10.0.0.9", 8443, 50)); // crashed: no ZooKeeper node any more
    publisher().publish(serving("gw-b", "10.0.0.2", 8443, 40));
    Rfc2136WeightPublisher a = sweeping(Duration.ofMillis(300), live("gw-a", "gw-b"));

    a.publish(serving("gw-a", "10.0.0.1", 8443, 70));
    assertThat(srvOf("gw-ghost")).as("within the grace period").isNotNull();
    nanos.addAndGet(Duration.ofMillis(300).toNanos());
    a.publish(serving("gw-a", "10.0.0.1", 8443, 70));

    assertThat(srvOf("gw-ghost")).isNull();
    assertThat(bind.records(prefix + "gw-ghost", Type.A)).isEmpty();
    assertThat(srvOf("gw-a")).isNotNull();
    assertThat(srvOf("gw-b")).as("a live gateway's record stays").isNotNull();
    assertThat(bind.records(prefix + "gw-b", Type.A)).hasSize(1);
  }

  @Test
  void onlyTheLowestIdSweepsAndNothingIsSweptWhenTheLiveSetIsUnknown() throws Exception {
    publisher().publish(serving("gw-ghost", "10.0.0.9", 8443, 50));
    Rfc2136WeightPublisher notLowest = sweeping(Duration.ofMillis(1), live("gw-0", "gw-a"));
    Rfc2136WeightPublisher blind = sweeping(Duration.ofMillis(1), () -> {
      throw new IllegalStateException("ZooKeeper unreachable");
    });

    for (int i = 0; i < 2; i++) {
      notLowest.publish(serving("gw-a", "10.0.0.1", 8443, 70));
      blind.publish(serving("gw-c", "10.0.0.3", 8443, 70));
      nanos.addAndGet(Duration.ofMillis(20).toNanos());
    }

    assertThat(srvOf("gw-ghost")).isNotNull();
    assertThat(srvOf("gw-a")).isNotNull();
    assertThat(srvOf("gw-c")).as("its own record is published all the same").isNotNull();
  }

  @Test
  void aGatewayMissingFromZooKeeperOnlyBrieflyKeepsItsRecords() throws Exception {
    publisher().publish(serving("gw-b", "10.0.0.2", 8443, 40));
    AtomicInteger reads = new AtomicInteger();
    // gw-b's node is missing, back, then missing again (its ZooKeeper session was replaced twice).
    LiveGateways flapping = () -> reads.incrementAndGet() == 2 ? live("gw-a", "gw-b").read() : live("gw-a").read();
    Rfc2136WeightPublisher a = sweeping(Duration.ofMillis(200), flapping);

    a.publish(serving("gw-a", "10.0.0.1", 8443, 70));
    nanos.addAndGet(Duration.ofMillis(300).toNanos());
    a.publish(serving("gw-a", "10.0.0.1", 8443, 70));
    a.publish(serving("gw-a", "10.0.0.1", 8443, 70));

    assertThat(srvOf("gw-b")).as("missing again only just now: a new grace period").isNotNull();
    nanos.addAndGet(Duration.ofMillis(199).toNanos());
    a.publish(serving("gw-a", "10.0.0.1", 8443, 70));
    assertThat(srvOf("gw-b")).as("1 ms short of the grace period").isNotNull();
    nanos.addAndGet(Duration.ofMillis(1).toNanos());
    a.publish(serving("gw-a", "10.0.0.1", 8443, 70));
    assertThat(srvOf("gw-b")).as("missing for the whole grace period").isNull();
  }
}
