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
    private int devicesPerUser = 1;
    private double typingRate = 4;
    private int readEvery = 5;
    private Storm storm;
    private boolean tlsResumption = true;
    private boolean idle;
    private String zookeeper;

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

    public Builder devicesPerUser(int n) {
      devicesPerUser = n;
      return this;
    }

    /** Typing bursts per minute per couple; default 4. */
    public Builder typingRate(double perMinute) {
      typingRate = perMinute;
      return this;
    }

    /** A read receipt every this many messages; default 5; 0 = none. */
    public Builder readEvery(int messages) {
      readEvery = messages;
      return this;
    }

    public Builder storm(Storm s) {
      storm = s;
      return this;
    }

    /** Default on. */
    public Builder tlsResumption(boolean on) {
      tlsResumption = on;
      return this;
    }

    public Builder idle(boolean on) {
      idle = on;
      return this;
    }

    public Builder zookeeper(String connect) {
      zookeeper = connect;
      return this;
    }

    public LoadtestOptions build() {
      return new LoadtestOptions(gateways, weighted, ca, keyFile, couples, ramp, rate, size, duration, grace, out, maxP99, maxErrors,
          threads, workers > 0 ? workers : defaultWorkers(couples, devicesPerUser), sources, devicesPerUser, typingRate, readEvery, storm,
          tlsResumption, idle, zookeeper);
    }
  }
}
