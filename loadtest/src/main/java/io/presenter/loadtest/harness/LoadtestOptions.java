package io.presenter.loadtest.harness;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * One run of the harness, as {@code presenter loadtest} resolved its options (LoadtestCommand
 * declares them, their defaults and help). Worker processes receive it whole, serialised by
 * Jackson from these components ({@link WorkerProtocol}), so none can be left behind.
 *
 * @param gateways chosen per connection in turn, like DNS round-robin, or at random by weight
 * @param weighted choose gateways at random by their weights instead of in turn
 * @param couples 2 clients each: user a sends, user b receives
 * @param ramp new connections per second, for the whole run (workers share it)
 * @param rate messages per second per couple (open loop)
 * @param duration how long couples send after the ramp
 * @param grace after the last send, how long to wait for the next ack or delivery before
 *     counting what is still undelivered as lost
 * @param maxP99 SLO on the end-to-end delivery p99, or null
 * @param maxErrors SLO on the error count, or -1 for none
 * @param threads client event loop threads per process
 * @param workers processes holding the connections: 1 runs in this process, more are child JVMs
 * @param devicesPerUser devices (connections) of each user; the sender sends from its first
 * @param typingRate typing bursts per minute per couple (typing on, 1-3 sends, typing off)
 * @param readEvery the partner's first device sends a read receipt every this many messages (0 = never)
 * @param storm a reconnect storm, or null
 * @param tlsResumption whether reconnects may resume their TLS session
 * @param idle connect and authenticate only, then hold the connections quietly for the duration
 * @param zookeeper a ZooKeeper connect string, or null: when given, every connection attempt
 *     (reconnects included) picks a gateway at random by the weights the gateways publish there,
 *     as weighted DNS would; the gateway list is the fallback until the first read
 * @param sources local addresses connections bind in turn (empty: the OS chooses), to pass the
 *     per-address limits: about 28,000 ephemeral ports, and the gateway's connections per IP
 */
public record LoadtestOptions(
    List<Gateway> gateways,
    boolean weighted,
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
    int threads,
    int workers,
    List<InetAddress> sources,
    int devicesPerUser,
    double typingRate,
    int readEvery,
    Storm storm,
    boolean tlsResumption,
    boolean idle,
    String zookeeper) {
  /** One process may open at most 20,000 files; leave room for the JVM's own. */
  public static final int MAX_CONNECTIONS_PER_PROCESS = 19_000;
  /** What the default worker count aims for per worker. */
  public static final int CONNECTIONS_PER_WORKER = 18_000;
  /** Devices per user; the correctness bookkeeping keeps one bit per receiving device. */
  public static final int MAX_DEVICES = 16;

  public LoadtestOptions {
    if (gateways.isEmpty()) {
      throw new IllegalArgumentException("no gateways");
    }
    if (weighted && gateways.stream().mapToDouble(Gateway::weight).sum() <= 0) {
      throw new IllegalArgumentException("gateway weights must not all be 0");
    }
    if (couples < 1 || workers < 1 || workers > couples || devicesPerUser < 1 || devicesPerUser > MAX_DEVICES) {
      throw new IllegalArgumentException("--couples must be at least 1, --workers 1..couples, --devices-per-user 1.." + MAX_DEVICES);
    }
    if (connections(couples, devicesPerUser) > (long) workers * MAX_CONNECTIONS_PER_PROCESS) {
      throw new IllegalArgumentException(connections(couples, devicesPerUser) + " connections in " + workers
          + " worker(s) is more than " + MAX_CONNECTIONS_PER_PROCESS + " per process (one process may open at most 20,000 files): "
          + "use --workers " + defaultWorkers(couples, devicesPerUser) + " or more");
    }
    if (!(typingRate >= 0) || typingRate > 600 || readEvery < 0) {
      throw new IllegalArgumentException("--typing-rate must be 0..600 bursts/min and --read-every at least 0");
    }
    if (!(ramp > 0) || !(rate >= 0) || rate > 1000 || duration.isNegative() || duration.compareTo(Duration.ofHours(24)) > 0
        || threads < 1) {
      throw new IllegalArgumentException("--ramp must be > 0, --rate 0..1000, --duration at most 24h, --threads >= 1");
    }
    gateways = List.copyOf(gateways);
    sources = List.copyOf(sources);
  }

  /** Client connections of the run: two users per couple, each with its devices. */
  public long connections() {
    return connections(couples, devicesPerUser);
  }

  /** Connections of one couple. */
  int connectionsPerCouple() {
    return 2 * devicesPerUser;
  }

  /** Devices each acked message must reach: the partner's and the sender's other devices. */
  int receiversPerMessage() {
    return 2 * devicesPerUser - 1;
  }

  private static long connections(int couples, int devices) {
    return 2L * couples * devices;
  }

  /** Enough workers that each holds at most {@link #CONNECTIONS_PER_WORKER} connections. */
  public static int defaultWorkers(int couples, int devicesPerUser) {
    long c = connections(couples, devicesPerUser);
    return (int) Math.max(1, (c + CONNECTIONS_PER_WORKER - 1) / CONNECTIONS_PER_WORKER);
  }

  /**
   * At {@code at} after the start, drop {@code percent} % of the connected clients at once
   * (abruptly, as a network failure would) and let them reconnect.
   */
  public record Storm(double percent, Duration at) {
    public Storm {
      if (!(percent > 0) || percent > 100 || at.isNegative()) {
        throw new IllegalArgumentException("--reconnect-storm is PERCENT@SECONDS, percent in (0, 100]");
      }
    }

    /** {@code PCT@SECONDS}, e.g. {@code 10@30}. */
    public static Storm parse(String spec) {
      int at = spec.indexOf('@');
      try {
        return new Storm(Double.parseDouble(spec.substring(0, at).trim()),
            Duration.ofMillis(Math.round(Double.parseDouble(spec.substring(at + 1).trim()) * 1000)));
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("--reconnect-storm is PERCENT@SECONDS (e.g. 10@30), not " + spec);
      }
    }
  }
}
