package io.presenter.loadtest.harness;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * One run of the harness.
 *
 * @param gateways chosen per connection in turn, like DNS round-robin
 * @param couples 2 clients each: user a sends, user b receives
 * @param ramp new connections per second
 * @param rate messages per second per couple (open loop)
 * @param duration how long couples send after the ramp
 * @param grace after the last send, how long to wait for the next ack or delivery before
 *     counting what is still undelivered as lost
 * @param maxP99 SLO on the end-to-end delivery p99, or null
 * @param maxErrors SLO on the error count, or -1 for none
 * @param threads client event loop threads
 */
public record LoadtestOptions(
    List<InetSocketAddress> gateways,
    Path ca,
    Path keyFile,
    int couples,
    double ramp,
    double rate,
    SizeDistribution size,
    Duration duration,
    Duration grace,
    Path out,
    Duration maxP99,
    long maxErrors,
    int threads) {
  /** One process may open at most 20,000 files; leave room for the JVM's own. */
  public static final int MAX_CONNECTIONS_PER_PROCESS = 19_000;

  public LoadtestOptions {
    if (gateways.isEmpty()) {
      throw new IllegalArgumentException("no gateways");
    }
    if (couples < 1 || 2L * couples > MAX_CONNECTIONS_PER_PROCESS) {
      throw new IllegalArgumentException("--couples must be 1.." + MAX_CONNECTIONS_PER_PROCESS / 2
          + " (one process may open at most 20,000 files; worker processes are not implemented yet)");
    }
    if (!(ramp > 0) || !(rate >= 0) || rate > 1000 || duration.isNegative() || duration.compareTo(Duration.ofHours(24)) > 0
        || threads < 1) {
      throw new IllegalArgumentException("--ramp must be > 0, --rate 0..1000, --duration at most 24h, --threads >= 1");
    }
    gateways = List.copyOf(gateways);
  }
}
