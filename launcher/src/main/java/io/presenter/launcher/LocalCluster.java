package io.presenter.launcher;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.typesafe.config.ConfigFactory;
import io.presenter.chat.server.ChatServer;
import io.presenter.chat.server.ChatServerConfig;
import io.presenter.gateway.config.GatewayConfig;
import io.presenter.gateway.server.GatewayServer;
import io.presenter.runtime.tls.LocalCertificates;
import io.presenter.runtime.token.TokenClaims;
import io.presenter.runtime.token.TokenKeys;
import io.presenter.runtime.token.TokenSigner;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.zookeeper.server.embedded.ZooKeeperServerEmbedded;

/**
 * A complete Presenter cluster inside one process, on loopback: a real embedded ZooKeeper
 * server, chat servers sharing one embedded store, gateways with a locally generated CA. All
 * state lives under the data dir, so a restart with the same dir keeps history, keys and
 * certificates.
 */
public final class LocalCluster implements AutoCloseable {
  private final Path dataDir;
  private final int chatServers;
  private final int gatewayCount;
  private final int firstGatewayPort;
  private final int directPort;
  private ZooKeeperServerEmbedded zookeeper;
  private String zookeeperConnect;
  private Path keyFile;
  private LocalCertificates.Files3 certs;
  private final List<ChatServer> chats = new ArrayList<>();
  private final List<GatewayServer> gateways = new ArrayList<>();
  private final Map<String, Object> gatewaySettings = new HashMap<>();

  public LocalCluster(Path dataDir, int chatServers, int gateways, int firstGatewayPort) {
    this(dataDir, chatServers, gateways, firstGatewayPort, -1);
  }

  /**
   * @param gateways 0 runs only ZooKeeper and the chat servers (a gateway may then run as its own
   *     process, as the footprint benchmark does)
   * @param directPort the first chat server's direct TLS client port (0 = any free port), or -1
   *     for none
   */
  public LocalCluster(Path dataDir, int chatServers, int gateways, int firstGatewayPort, int directPort) {
    this.dataDir = dataDir.toAbsolutePath();
    this.chatServers = chatServers;
    this.gatewayCount = gateways;
    this.firstGatewayPort = firstGatewayPort;
    this.directPort = directPort;
  }

  /**
   * Settings for every gateway, on top of the local ones (e.g. {@code
   * presenter.gateway.drain.window}); call before {@link #start()}. They win over CONFIG_FORCE_
   * environment variables, like the local cluster's own settings.
   */
  public LocalCluster gatewaySettings(Map<String, Object> settings) {
    gatewaySettings.putAll(settings);
    return this;
  }

  public LocalCluster start() throws Exception {
    Files.createDirectories(dataDir);
    startZooKeeper();
    keyFile = dataDir.resolve("keys.json");
    if (!Files.exists(keyFile)) {
      Files.writeString(keyFile, TokenKeys.generate("local-1").toJson());
    }
    certs = LocalCertificates.create(dataDir.resolve("tls"));
    for (int i = 1; i <= chatServers; i++) {
      chats.add(new ChatServer(chatConfig("chat-" + i, i == 1 ? directPort : -1)).start());
    }
    for (int i = 1; i <= gatewayCount; i++) {
      int port = firstGatewayPort == 0 ? 0 : firstGatewayPort + i - 1;
      gateways.add(new GatewayServer(gatewayConfig("gateway-" + i, port)).start());
    }
    return this;
  }

  private void startZooKeeper() throws Exception {
    Properties p = new Properties();
    p.setProperty("clientPort", Integer.toString(freePort()));
    p.setProperty("clientPortAddress", "127.0.0.1");
    p.setProperty("tickTime", "1000");
    p.setProperty("admin.enableServer", "false");
    p.setProperty("4lw.commands.whitelist", "ruok,stat");
    Path base = dataDir.resolve("zookeeper");
    Files.createDirectories(base);
    // The embedded server writes a fresh properties file per boot; drop the old ones.
    try (var old = Files.newDirectoryStream(base, "zookeeper.configuration*.properties")) {
      for (Path file : old) {
        Files.deleteIfExists(file);
      }
    }
    zookeeper =
        ZooKeeperServerEmbedded.builder()
            .baseDir(base)
            .configuration(p)
            .exitHandler(org.apache.zookeeper.server.embedded.ExitHandler.LOG_ONLY)
            .build();
    zookeeper.start(30_000);
    zookeeperConnect = zookeeper.getConnectionString();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private ChatServerConfig chatConfig(String id, int clientPort) {
    Map<String, Object> s = new HashMap<>();
    if (clientPort >= 0) {
      s.put("presenter.chat.client-port", clientPort);
      s.put("presenter.chat.tls.cert-file", certs.certificate().toString());
      s.put("presenter.chat.tls.key-file", certs.privateKey().toString());
    }
    s.put("presenter.chat.id", id);
    s.put("presenter.chat.bind-host", "127.0.0.1");
    s.put("presenter.chat.mux-port", 0);
    s.put("presenter.chat.admin-port", 0);
    s.put("presenter.chat.event-loop-threads", 1);
    s.put("presenter.chat.zookeeper.connect", zookeeperConnect);
    s.put("presenter.chat.tokens.key-file", keyFile.toString());
    s.put("presenter.chat.store.data-dir", dataDir.resolve("store").toString());
    s.put("presenter.chat.drain-timeout", "3s");
    return ChatServerConfig.from(withEnvironment(s));
  }

  private GatewayConfig gatewayConfig(String id, int port) {
    Map<String, Object> s = new HashMap<>();
    s.put("presenter.gateway.id", id);
    s.put("presenter.gateway.bind-host", "127.0.0.1");
    s.put("presenter.gateway.port", port);
    s.put("presenter.gateway.admin-port", 0);
    s.put("presenter.gateway.zookeeper.connect", zookeeperConnect);
    s.put("presenter.gateway.tokens.key-file", keyFile.toString());
    s.put("presenter.gateway.tls.cert-file", certs.certificate().toString());
    s.put("presenter.gateway.tls.key-file", certs.privateKey().toString());
    s.putAll(gatewaySettings);
    return GatewayConfig.from(withEnvironment(s));
  }

  /**
   * The local cluster's own settings, then CONFIG_FORCE_ environment overrides for everything
   * else (e.g. a gateway's limits), then the defaults.
   */
  private static com.typesafe.config.Config withEnvironment(Map<String, Object> settings) {
    return ConfigFactory.parseMap(settings)
        .withFallback(ConfigFactory.systemEnvironmentOverrides())
        .withFallback(ConfigFactory.defaultReference())
        .resolve();
  }

  /** {@code <data-dir>/local.json}: where everything is, for scripts and the load harness. */
  public Path writeDescription() throws IOException {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("zookeeper", zookeeperConnect);
    d.put("ca", certs.ca().toString());
    d.put("tokenKey", keyFile.toString());
    List<Map<String, Object>> gw = new ArrayList<>();
    for (GatewayServer g : gateways) {
      gw.add(Map.of("address", "127.0.0.1:" + g.port(), "admin", "http://127.0.0.1:" + g.adminPort()));
    }
    d.put("gateways", gw);
    List<Map<String, Object>> cs = new ArrayList<>();
    for (ChatServer c : chats) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", c.id());
      m.put("address", "127.0.0.1:" + c.muxPort());
      m.put("admin", "http://127.0.0.1:" + c.adminPort());
      if (c.clientPort() > 0) {
        m.put("direct", "127.0.0.1:" + c.clientPort());
      }
      cs.add(m);
    }
    d.put("chatServers", cs);
    d.put("dataDir", dataDir.toString());
    Path file = dataDir.resolve("local.json");
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), d);
    return file;
  }

  public List<GatewayServer> gateways() {
    return gateways;
  }

  public List<ChatServer> chatServers() {
    return chats;
  }

  public Path caFile() {
    return certs.ca();
  }

  public Path keyFile() {
    return keyFile;
  }

  /** A token for {@code user} of {@code couple}, signed with the cluster's key, valid for {@code ttl}. */
  public String token(String user, String couple, Duration ttl) {
    Instant now = Instant.now();
    return new TokenSigner(TokenKeys.load(keyFile)).sign(new TokenClaims(user, couple, null, now, now.plus(ttl)));
  }

  public String zookeeperConnect() {
    return zookeeperConnect;
  }

  @Override
  public void close() {
    for (GatewayServer g : gateways) {
      g.close();
    }
    gateways.clear();
    for (ChatServer c : chats) {
      c.close();
    }
    chats.clear();
    if (zookeeper != null) {
      zookeeper.close();
      zookeeper = null;
    }
  }
}
