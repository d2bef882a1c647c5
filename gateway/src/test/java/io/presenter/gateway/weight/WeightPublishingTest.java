package io.presenter.gateway.weight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The scheduling rules of {@link WeightPublishing} itself: when a publisher is called, and that one
 * failing publisher never stops the others or the schedule. (The publishers' own behaviour is
 * tested against real servers in their tests.)
 */
class WeightPublishingTest {
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicBoolean draining = new AtomicBoolean();

  /** Records what it is given, and throws {@code failure} if set. */
  private static final class Recording implements WeightPublisher {
    final String name;
    final List<WeightSnapshot> sent = new CopyOnWriteArrayList<>();
    volatile Throwable failure;
    volatile boolean withdrawn;
    final java.util.concurrent.atomic.AtomicInteger withdrawals = new java.util.concurrent.atomic.AtomicInteger();

    Recording(String name) {
      this.name = name;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public void publish(WeightSnapshot snapshot) throws Exception {
      if (failure instanceof Exception e) {
        throw e;
      }
      if (failure instanceof Error e) {
        throw e;
      }
      sent.add(snapshot);
    }

    @Override
    public void withdraw() {
      withdrawn = true;
      withdrawals.incrementAndGet();
    }
  }

  private WeightPublishing publishing() {
    return new WeightPublishing("gw-a", new HostPort("10.0.0.1", 443), new WeightCalculator(100), connections::get, draining::get,
        () -> 0.0, meters);
  }

  private static void round(WeightPublishing p) throws Exception {
    p.publishNow().get(5, TimeUnit.SECONDS);
  }

  private double failures(String name) {
    return meters.get(GuardedPublisher.FAILURES).tag("publisher", name).counter().count();
  }

  @Test
  void unchangedSnapshotsAreSentOnlyAsARefreshAndChangesAtOnce() throws Exception {
    Recording dns = new Recording("dns");
    Recording everyRound = new Recording("zk");
    try (WeightPublishing p = publishing().add(everyRound, 1).add(dns, 3)) {
      for (int i = 0; i < 7; i++) {
        round(p);
      }
      assertThat(everyRound.sent).hasSize(7);
      assertThat(dns.sent).as("rounds 1, 4 and 7").hasSize(3);

      connections.set(50); // weight 100 -> 50
      round(p);
      assertThat(dns.sent).hasSize(4);
      assertThat(dns.sent.get(3).weight()).isEqualTo(50);
      assertThat(dns.sent.get(3).connections()).isEqualTo(50);

      draining.set(true);
      round(p);
      assertThat(dns.sent.get(4).draining()).isTrue();
      assertThat(dns.sent.get(4).weight()).isZero();
      assertThat(p.lastWeight()).isZero();
    }
    assertThat(dns.withdrawn).isTrue();
    assertThat(everyRound.withdrawn).isTrue();
  }

  @Test
  void aFailingPublisherIsCountedRetriedAndDoesNotStopTheOthers() throws Exception {
    Recording broken = new Recording("broken");
    Recording fine = new Recording("fine");
    broken.failure = new java.io.IOException("refused");
    try (WeightPublishing p = publishing().add(broken, 100).add(fine, 100)) {
      assertThat(failures("broken")).as("registered at 0").isZero();
      round(p);
      round(p);
      assertThat(failures("broken")).as("retried every round, not only at the refresh").isEqualTo(2);
      assertThat(fine.sent).hasSize(1);
      assertThat(failures("fine")).isZero();

      broken.failure = null;
      round(p);
      assertThat(broken.sent).hasSize(1);
    }
  }

  @Test
  void theScheduleSurvivesAPublisherThatThrowsAnError() {
    Recording broken = new Recording("broken");
    broken.failure = new NoClassDefFoundError("a missing dependency");
    Recording fine = new Recording("fine");
    try (WeightPublishing p = publishing().add(broken, 1).add(fine, 1)) {
      p.start(Duration.ofMillis(20));
      await().atMost(Duration.ofSeconds(5)).until(() -> fine.sent.size() >= 3);
      assertThat(failures("broken")).isGreaterThanOrEqualTo(3);
    }
  }

  @Test
  void closingTwiceWithdrawsOnce() {
    Recording dns = new Recording("dns");
    WeightPublishing p = publishing().add(dns, 1).start(Duration.ofMillis(20));
    await().atMost(Duration.ofSeconds(5)).until(() -> !dns.sent.isEmpty());
    p.close();
    p.close(); // a gateway closed by a test and again by its cluster
    assertThat(dns.withdrawals.get()).isEqualTo(1);
  }
}
