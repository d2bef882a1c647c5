package io.presenter.gateway.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The gateway's meters. Prometheus names: {@code presenter_gateway_connections} (open client
 * connections), {@code presenter_gateway_pending_auth}, {@code presenter_gateway_handshakes_in_progress},
 * {@code presenter_gateway_handshakes_total{result}}, {@code presenter_gateway_handshake_seconds}
 * (histogram), {@code presenter_gateway_closes_total{reason}}, {@code presenter_gateway_auth_total{outcome}},
 * {@code presenter_gateway_reroutes_total{result}}, {@code presenter_gateway_relayed_bytes_total{direction}}.
 */
public final class GatewayMetrics {
  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicInteger pendingAuth = new AtomicInteger();
  private final AtomicInteger handshaking = new AtomicInteger();
  private final Map<CloseReason, Counter> closes = new EnumMap<>(CloseReason.class);
  private final Counter handshakesFull;
  private final Counter handshakesResumed;
  private final Timer handshakeTime;
  private final Counter authOk;
  private final Counter reroutesOk;
  private final Counter reroutesFailed;
  private final LongAdder bytesUp = new LongAdder();
  private final LongAdder bytesDown = new LongAdder();

  public GatewayMetrics(MeterRegistry registry) {
    registry.gauge("presenter.gateway.connections", connections);
    registry.gauge("presenter.gateway.pending.auth", pendingAuth);
    registry.gauge("presenter.gateway.handshakes.in.progress", handshaking);
    for (CloseReason reason : CloseReason.values()) {
      closes.put(reason, registry.counter("presenter.gateway.closes", "reason", reason.name().toLowerCase()));
    }
    handshakesFull = registry.counter("presenter.gateway.handshakes", "result", "full");
    handshakesResumed = registry.counter("presenter.gateway.handshakes", "result", "resumed");
    handshakeTime =
        Timer.builder("presenter.gateway.handshake").publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(10)).register(registry);
    authOk = registry.counter("presenter.gateway.auth", "outcome", "ok");
    reroutesOk = registry.counter("presenter.gateway.reroutes", "result", "ok");
    reroutesFailed = registry.counter("presenter.gateway.reroutes", "result", "failed");
    registry.more().counter("presenter.gateway.relayed.bytes", java.util.List.of(io.micrometer.core.instrument.Tag.of("direction", "up")), bytesUp, LongAdder::sum);
    registry.more().counter("presenter.gateway.relayed.bytes", java.util.List.of(io.micrometer.core.instrument.Tag.of("direction", "down")), bytesDown, LongAdder::sum);
  }

  public AtomicInteger connections() {
    return connections;
  }

  public AtomicInteger pendingAuth() {
    return pendingAuth;
  }

  public AtomicInteger handshaking() {
    return handshaking;
  }

  public void closed(CloseReason reason) {
    closes.get(reason).increment();
  }

  public double closedCount(CloseReason reason) {
    return closes.get(reason).count();
  }

  public void handshakeDone(long nanos, boolean resumed) {
    (resumed ? handshakesResumed : handshakesFull).increment();
    handshakeTime.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  public void authOk() {
    authOk.increment();
  }

  public void rerouted(boolean ok) {
    (ok ? reroutesOk : reroutesFailed).increment();
  }

  public void relayedUp(int bytes) {
    bytesUp.add(bytes);
  }

  public void relayedDown(int bytes) {
    bytesDown.add(bytes);
  }
}
