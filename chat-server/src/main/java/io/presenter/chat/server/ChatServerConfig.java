package io.presenter.chat.server;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.presenter.chat.session.SessionLimits;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything a chat server is configured with, read from HOCON ({@code reference.conf} holds
 * the defaults and their documentation; docs/CONFIG.md lists them).
 */
public record ChatServerConfig(
    String id,
    String advertisedHost,
    String bindHost,
    int muxPort,
    int clientPort,
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
    StoreSettings store,
    SessionLimits limits,
    int muxMaxFrameSize,
    int muxInitialStreamWindow,
    int muxMaxConcurrentStreams,
    Duration drainTimeout) {

  public record StoreSettings(
      String type, String dataDir, String jdbcUrl, String username, String password, int poolSize, int queueCapacity) {}

  /** Defaults from reference.conf overlaid by {@code file} (may be null) and CONFIG_FORCE_ env vars. */
  public static ChatServerConfig load(Path file) {
    Config overrides = ConfigFactory.systemEnvironmentOverrides();
    Config fromFile = file == null ? ConfigFactory.empty() : ConfigFactory.parseFile(file.toFile());
    Config config = overrides.withFallback(fromFile).withFallback(ConfigFactory.defaultReference()).resolve();
    return from(config);
  }

  public static ChatServerConfig from(Config root) {
    Config c = root.getConfig("presenter.chat");
    Config zk = c.getConfig("zookeeper");
    Config store = c.getConfig("store");
    Config limits = c.getConfig("limits");
    Config mux = c.getConfig("mux");
    return new ChatServerConfig(
        c.getString("id"),
        c.getString("advertised-host"),
        c.getString("bind-host"),
        c.getInt("mux-port"),
        c.getInt("client-port"),
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
        new StoreSettings(
            store.getString("type"),
            store.getString("data-dir"),
            store.getString("jdbc-url"),
            store.getString("username"),
            store.getString("password"),
            store.getInt("pool-size"),
            store.getInt("queue-capacity")),
        new SessionLimits(
            limits.getInt("max-frame-bytes"),
            limits.getInt("max-body-bytes"),
            limits.getInt("sync-page-max"),
            limits.getInt("max-pending-output-bytes"),
            limits.getInt("max-in-flight-sends"),
            limits.getDuration("typing-ttl")),
        mux.getInt("max-frame-size"),
        mux.getInt("initial-stream-window"),
        mux.getInt("max-concurrent-streams"),
        c.getDuration("drain-timeout"));
  }
}
