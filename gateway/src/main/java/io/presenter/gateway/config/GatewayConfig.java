package io.presenter.gateway.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Everything a gateway is configured with, read from HOCON: {@code reference.conf} holds the
 * defaults and documents each setting; a file and CONFIG_FORCE_ environment variables override.
 */
public record GatewayConfig(
    String id,
    String bindHost,
    int port,
    String adminHost,
    int adminPort,
    int eventLoopThreads,
    String zookeeperConnect,
    Duration zookeeperSessionTimeout,
    Duration zookeeperConnectionTimeout,
    String membersPath,
    String tokenKeyFile,
    Duration tokenClockSkew,
    String tlsCertFile,
    String tlsKeyFile,
    List<String> ticketKeys,
    int maxAuthFrameBytes,
    Duration authTimeout,
    Limits limits,
    Backend backend,
    int muxMaxFrameSize,
    int muxInitialStreamWindow,
    Drain drain,
    Weights weights) {

  /**
   * Weight publishing: the ZooKeeper node (always) and, when enabled, DNS. DNS publishers send only
   * when the weight or the state changed, and otherwise every {@code refreshEvery} intervals.
   */
  public record Weights(
      String advertisedAddress, String path, Duration interval, int refreshEvery, Rfc2136 rfc2136, Route53 route53) {}

  /** RFC 2136 dynamic updates signed with TSIG (BIND, PowerDNS, Knot, ...). */
  public record Rfc2136(
      boolean enabled, String server, String zone, String recordName, Duration ttl, Duration timeout, Duration removeStaleAfter,
      Tsig tsig) {}

  /** A TSIG key; the secret is one of a base64 literal, an environment variable or a file. */
  public record Tsig(String keyName, String algorithm, String secret, String secretEnv, String secretFile) {
    @Override
    public String toString() { // the secret never reaches a log
      return "Tsig[keyName=" + keyName + ", algorithm=" + algorithm + ", secret=" + (secret.isEmpty() ? "" : "***")
          + ", secretEnv=" + secretEnv + ", secretFile=" + secretFile + "]";
    }
  }

  /** Amazon Route 53 weighted records; credentials come from the SDK's default provider chain. */
  public record Route53(
      boolean enabled, String hostedZoneId, String recordName, String type, Duration ttl, String region, String endpoint,
      Duration timeout) {}

  public record Drain(Duration window, Duration quietPeriod, Duration deadline, Duration retryAfter) {}

  public record Limits(
      int maxConnections, int maxConnectionsPerIp, int maxConcurrentHandshakes, int maxPendingAuth, Duration handshakeTimeout) {}

  public record Backend(
      int connectionsPerServer,
      Duration connectTimeout,
      Duration pingInterval,
      int maxMissedPings,
      Duration reconnectBackoffMin,
      Duration reconnectBackoffMax,
      Duration rerouteTimeout) {}

  public static GatewayConfig load(Path file) {
    Config overrides = ConfigFactory.systemEnvironmentOverrides();
    Config fromFile = file == null ? ConfigFactory.empty() : ConfigFactory.parseFile(file.toFile());
    return from(overrides.withFallback(fromFile).withFallback(ConfigFactory.defaultReference()).resolve());
  }

  public static GatewayConfig from(Config root) {
    Config c = root.getConfig("presenter.gateway");
    Config zk = c.getConfig("zookeeper");
    Config limits = c.getConfig("limits");
    Config backend = c.getConfig("backend");
    return new GatewayConfig(
        c.getString("id"),
        c.getString("bind-host"),
        c.getInt("port"),
        c.getString("admin-host"),
        c.getInt("admin-port"),
        c.getInt("event-loop-threads"),
        zk.getString("connect"),
        zk.getDuration("session-timeout"),
        zk.getDuration("connection-timeout"),
        zk.getString("members-path"),
        c.getString("tokens.key-file"),
        c.getDuration("tokens.clock-skew"),
        c.getString("tls.cert-file"),
        c.getString("tls.key-file"),
        c.getStringList("tls.ticket-keys"),
        c.getInt("auth.max-frame-bytes"),
        c.getDuration("auth.timeout"),
        new Limits(
            limits.getInt("max-connections"),
            limits.getInt("max-connections-per-ip"),
            limits.getInt("max-concurrent-handshakes"),
            limits.getInt("max-pending-auth"),
            limits.getDuration("handshake-timeout")),
        new Backend(
            backend.getInt("connections-per-server"),
            backend.getDuration("connect-timeout"),
            backend.getDuration("ping-interval"),
            backend.getInt("max-missed-pings"),
            backend.getDuration("reconnect-backoff-min"),
            backend.getDuration("reconnect-backoff-max"),
            backend.getDuration("reroute-timeout")),
        c.getInt("mux.max-frame-size"),
        c.getInt("mux.initial-stream-window"),
        new Drain(
            c.getDuration("drain.window"),
            c.getDuration("drain.quiet-period"),
            c.getDuration("drain.deadline"),
            c.getDuration("drain.retry-after")),
        weights(c.getConfig("weights")));
  }

  private static Weights weights(Config w) {
    Config dns = w.getConfig("rfc2136");
    Config tsig = dns.getConfig("tsig");
    Config r53 = w.getConfig("route53");
    return new Weights(
        w.getString("advertised-address"),
        w.getString("path"),
        w.getDuration("interval"),
        w.getInt("refresh-every"),
        new Rfc2136(
            dns.getBoolean("enabled"),
            dns.getString("server"),
            dns.getString("zone"),
            dns.getString("record-name"),
            dns.getDuration("ttl"),
            dns.getDuration("timeout"),
            dns.getDuration("remove-stale-after"),
            new Tsig(
                tsig.getString("key-name"),
                tsig.getString("algorithm"),
                tsig.getString("secret"),
                tsig.getString("secret-env"),
                tsig.getString("secret-file"))),
        new Route53(
            r53.getBoolean("enabled"),
            r53.getString("hosted-zone-id"),
            r53.getString("record-name"),
            r53.getString("type"),
            r53.getDuration("ttl"),
            r53.getString("region"),
            r53.getString("endpoint"),
            r53.getDuration("timeout")));
  }
}
