package io.presenter.chat;

import com.typesafe.config.ConfigFactory;
import io.presenter.chat.server.ChatServer;
import io.presenter.chat.server.ChatServerConfig;
import io.presenter.runtime.token.TokenClaims;
import io.presenter.runtime.token.TokenKeys;
import io.presenter.runtime.token.TokenSigner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Real chat servers in-process against a real (in-process) ZooKeeper, sharing one embedded store
 * directory as a production fleet shares one PostgreSQL. Close it to stop them all.
 */
public final class ChatTestCluster implements AutoCloseable {
  private final String zookeeper;
  private final Path dir;
  private final Path keyFile;
  private final TokenSigner signer;
  private final List<ChatServer> servers = new ArrayList<>();
  private final Map<String, Object> extra;

  public ChatTestCluster(String zookeeper, Path dir) throws Exception {
    this(zookeeper, dir, Map.of());
  }

  public ChatTestCluster(String zookeeper, Path dir, Map<String, Object> extra) throws Exception {
    this.zookeeper = zookeeper;
    this.dir = dir;
    this.extra = extra;
    TokenKeys keys = TokenKeys.generate("k1");
    keyFile = dir.resolve("keys.json");
    Files.writeString(keyFile, keys.toJson());
    signer = new TokenSigner(keys);
  }

  public ChatServerConfig config(String id) {
    Map<String, Object> settings = new HashMap<>();
    settings.put("presenter.chat.id", id);
    settings.put("presenter.chat.bind-host", "127.0.0.1");
    settings.put("presenter.chat.mux-port", 0);
    settings.put("presenter.chat.admin-port", 0);
    settings.put("presenter.chat.event-loop-threads", 1);
    settings.put("presenter.chat.zookeeper.connect", zookeeper);
    settings.put("presenter.chat.zookeeper.session-timeout", "3s");
    settings.put("presenter.chat.tokens.key-file", keyFile.toString());
    settings.put("presenter.chat.store.data-dir", dir.resolve("store").toString());
    settings.put("presenter.chat.drain-timeout", "2s");
    settings.putAll(extra);
    return ChatServerConfig.from(ConfigFactory.parseMap(settings).withFallback(ConfigFactory.defaultReference()).resolve());
  }

  public ChatServer start(String id) throws Exception {
    ChatServer server = new ChatServer(config(id)).start();
    servers.add(server);
    return server;
  }

  public void stop(ChatServer server) {
    servers.remove(server);
    server.close();
  }

  public String token(String user, String couple) {
    Instant now = Instant.now();
    return signer.sign(new TokenClaims(user, couple, null, now, now.plus(Duration.ofHours(1))));
  }

  public String expiredToken(String user, String couple) {
    Instant past = Instant.now().minus(Duration.ofHours(2));
    return signer.sign(new TokenClaims(user, couple, null, past, past.plus(Duration.ofHours(1))));
  }

  /** The token key file the servers verify with (gateways in tests share it). */
  public Path keyFile() {
    return keyFile;
  }

  public List<ChatServer> servers() {
    return servers;
  }

  @Override
  public void close() {
    for (ChatServer server : List.copyOf(servers)) {
      server.close();
    }
    servers.clear();
  }
}
