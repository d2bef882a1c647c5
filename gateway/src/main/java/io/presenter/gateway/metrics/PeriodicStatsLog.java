package io.presenter.gateway.metrics;

import java.util.EnumMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One info line per interval with the gateway's counters (connections, and closes by reason since
 * the last line), so logs show the picture without a line per connection, whatever the rate.
 */
public final class PeriodicStatsLog implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(PeriodicStatsLog.class);

  private final GatewayMetrics metrics;
  private final Map<CloseReason, Double> last = new EnumMap<>(CloseReason.class);

  public PeriodicStatsLog(GatewayMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public void run() {
    StringBuilder closes = new StringBuilder();
    for (CloseReason reason : CloseReason.values()) {
      double now = metrics.closedCount(reason);
      double delta = now - last.getOrDefault(reason, 0.0);
      last.put(reason, now);
      if (delta > 0) {
        closes.append(' ').append(reason.name().toLowerCase()).append('=').append((long) delta);
      }
    }
    log.info("connections={} handshaking={} pending_auth={} closes:{}",
        metrics.connections().get(), metrics.handshaking().get(), metrics.pendingAuth().get(),
        closes.length() == 0 ? " none" : closes);
  }
}
