package io.presenter.loadtest.harness;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * One run of the harness; build with {@link #builder}.
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
    List<InetAddress> sources) {
  /** One process may open at most 20,000 files; leave room for the JVM's own. */
  public static final int MAX_CONNECTIONS_PER_PROCESS = 19_000;
  /** What the default worker count aims for per worker. */
  public static final int CONNECTIONS_PER_WORKER = 18_000;

  public LoadtestOptions {
    if (gateways.isEmpty()) {
      throw new IllegalArgumentException("no gateways");
    }
    if (weighted && gateways.stream().mapToDouble(Gateway::weight).sum() <= 0) {
      throw new IllegalArgumentException("gateway weights must not all be 0");
    }
    if (couples < 1 || workers < 1 || workers > couples) {
      throw new IllegalArgumentException("--couples must be at least 1 and --workers 1..couples");
    }
    if (connections(couples) > (long) workers * MAX_CONNECTIONS_PER_PROCESS) {
      throw new IllegalArgumentException(connections(couples) + " connections in " + workers
          + " worker(s) is more than " + MAX_CONNECTIONS_PER_PROCESS + " per process (one process may open at most 20,000 files): "
          + "use --workers " + defaultWorkers(couples) + " or more");
    }
    if (!(ramp > 0) || !(rate >= 0) || rate > 1000 || duration.isNegative() || duration.compareTo(Duration.ofHours(24)) > 0
        || threads < 1) {
      throw new IllegalArgumentException("--ramp must be > 0, --rate 0..1000, --duration at most 24h, --threads >= 1");
    }
    gateways = List.copyOf(gateways);
    sources = List.copyOf(sources);
  }

  /** Client connections of the run. */
  public long connections() {
    return connections(couples);
  }

  private static long connections(int couples) {
    return 2L * couples;
  }

  /** Enough workers that each holds at most {@link #CONNECTIONS_PER_WORKER} connections. */
  public static int defaultWorkers(int couples) {
    return (int) Math.max(1, (connections(couples) + CONNECTIONS_PER_WORKER - 1) / CONNECTIONS_PER_WORKER);
  }

  public static Builder builder(List<Gateway> gateways, Path ca, Path keyFile) {
    return new Builder(gateways, ca, keyFile);
  }

  /** Defaults as {@code presenter loadtest} has them. */
  public static final class Builder {
    private final List<Gateway> gateways;
    private boolean weighted;
    private final Path ca;
    private final Path keyFile;
    private int couples = 100;
    private double ramp = 500;
    private double rate = 1;
    private SizeDistribution size = new SizeDistribution(200, 200);
    private Duration duration = Duration.ofSeconds(30);
    private Duration grace = Duration.ofSeconds(10);
    private Path out = Path.of("loadtest-report");
    private Duration maxP99;
    private long maxErrors = -1;
    private int threads = 2;
    private int workers;
    private List<InetAddress> sources = List.of();

    private Builder(List<Gateway> gateways, Path ca, Path keyFile) {
      this.gateways = gateways;
      this.ca = ca;
      this.keyFile = keyFile;
    }

    /** Choose gateways at random by weight instead of in turn (the default). */
    public Builder weighted(boolean on) {
      weighted = on;
      return this;
    }

    public Builder couples(int n) {
      couples = n;
      return this;
    }

    public Builder ramp(double perSecond) {
      ramp = perSecond;
      return this;
    }

    public Builder rate(double perSecond) {
      rate = perSecond;
      return this;
    }

    public Builder size(SizeDistribution s) {
      size = s;
      return this;
    }

    public Builder duration(Duration d) {
      duration = d;
      return this;
    }

    public Builder grace(Duration d) {
      grace = d;
      return this;
    }

    public Builder out(Path dir) {
      out = dir;
      return this;
    }

    public Builder maxP99(Duration d) {
      maxP99 = d;
      return this;
    }

    public Builder maxErrors(long n) {
      maxErrors = n;
      return this;
    }

    public Builder threads(int n) {
      threads = n;
      return this;
    }

    /** 0 (the default) = {@link #defaultWorkers}. */
    public Builder workers(int n) {
      workers = n;
      return this;
    }

    /** Local addresses to bind in turn; empty (the default) lets the OS choose. */
    public Builder sources(List<InetAddress> addresses) {
      sources = addresses;
      return this;
    }

    public LoadtestOptions build() {
      return new LoadtestOptions(gateways, weighted, ca, keyFile, couples, ramp, rate, size, duration, grace, out, maxP99, maxErrors,
          threads, workers > 0 ? workers : defaultWorkers(couples), sources);
    }
  }
}
