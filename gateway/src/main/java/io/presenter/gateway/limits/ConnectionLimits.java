package io.presenter.gateway.limits;

import io.presenter.gateway.config.GatewayConfig;
import io.presenter.gateway.metrics.CloseReason;
import io.presenter.gateway.metrics.GatewayMetrics;
import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Admission control, checked before any TLS work is spent on a connection: total connections,
 * connections per source IP, TLS handshakes in progress and connections waiting for their auth
 * frame. A refused connection is closed at once and counted by reason.
 */
public final class ConnectionLimits {
  private final GatewayConfig.Limits limits;
  private final GatewayMetrics metrics;
  private final ConcurrentHashMap<InetAddress, AtomicInteger> perIp = new ConcurrentHashMap<>();
  private volatile long lastAdmittedNanos;

  public ConnectionLimits(GatewayConfig.Limits limits, GatewayMetrics metrics) {
    this.limits = limits;
    this.metrics = metrics;
  }

  /** Returns null if admitted (and counts it), else the reason to refuse. */
  public CloseReason admit(InetAddress ip) {
    if (metrics.connections().get() >= limits.maxConnections()) {
      return CloseReason.TOO_MANY_CONNECTIONS;
    }
    if (metrics.handshaking().get() >= limits.maxConcurrentHandshakes()) {
      return CloseReason.TOO_MANY_HANDSHAKES;
    }
    if (metrics.pendingAuth().get() >= limits.maxPendingAuth()) {
      return CloseReason.TOO_MANY_PENDING_AUTH;
    }
    AtomicInteger count = perIp.computeIfAbsent(ip, k -> new AtomicInteger());
    if (count.incrementAndGet() > limits.maxConnectionsPerIp()) {
      release(ip);
      return CloseReason.TOO_MANY_FROM_IP;
    }
    metrics.connections().incrementAndGet();
    lastAdmittedNanos = System.nanoTime();
    return null;
  }

  /** A connection admitted by {@link #admit} has closed. */
  public void closed(InetAddress ip) {
    metrics.connections().decrementAndGet();
    release(ip);
  }

  private void release(InetAddress ip) {
    perIp.computeIfPresent(ip, (k, v) -> v.decrementAndGet() <= 0 ? null : v);
  }

  public long handshakeTimeoutMillis() {
    return limits.handshakeTimeout().toMillis();
  }

  /** When the last connection was admitted (System.nanoTime), 0 if none yet. */
  public long lastAdmittedNanos() {
    return lastAdmittedNanos;
  }
}
