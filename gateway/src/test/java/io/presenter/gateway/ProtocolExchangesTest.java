package io.presenter.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.ssl.SslContext;
import io.presenter.chat.ChatTestCluster;
import io.presenter.chat.server.ChatServer;
import io.presenter.gateway.server.GatewayServer;
import io.presenter.protocol.tls.TlsContexts;
import io.presenter.protocol.vectors.ProtocolVectors;
import io.presenter.runtime.testing.ZooKeeperExtension;
import io.presenter.runtime.tls.LocalCertificates;
import io.presenter.runtime.token.TokenClaims;
import io.presenter.runtime.token.TokenKeys;
import io.presenter.runtime.token.TokenSigner;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every exchange of docs/protocol-vectors.json, run over real TLS on loopback against a real chat
 * server: through a real gateway, and on the chat server's direct listener where the exchange
 * lists it. The file is the oracle third-party clients use, so this is what keeps it true of the
 * servers.
 */
class ProtocolExchangesTest {
  @RegisterExtension static final ZooKeeperExtension zk = new ZooKeeperExtension();

  @TempDir static Path dir;
  private static ChatTestCluster chat;
  private static ChatServer server;
  private static GatewayTestCluster gateways;
  private static GatewayServer gateway;
  private static EventLoopGroup group;
  private static SslContext tls;

  @BeforeAll
  static void start() throws Exception {
    // One certificate for both listeners: the gateway cluster reuses the files in dir/tls.
    LocalCertificates.Files3 certs = LocalCertificates.create(dir.resolve("tls"));
    chat = new ChatTestCluster(zk.connectString(), dir, Map.of(
        "presenter.chat.client-port", 0,
        "presenter.chat.tls.cert-file", certs.certificate().toString(),
        "presenter.chat.tls.key-file", certs.privateKey().toString()));
    server = chat.start("chat-vectors");
    gateways = new GatewayTestCluster(zk.connectString(), dir, chat.keyFile());
    gateway = gateways.start("gw-vectors");
    await().atMost(Duration.ofSeconds(15)).until(gateway::isReady);
    group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    tls = TlsContexts.client(certs.ca().toFile());
  }

  @AfterAll
  static void stop() {
    if (group != null) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
    if (gateways != null) {
      gateways.close();
    }
    if (chat != null) {
      chat.close();
    }
  }

  @TestFactory
  List<DynamicTest> everyExchangeOnEveryListenerItNames() {
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode exchange : ProtocolVectors.load().get("exchanges")) {
      for (JsonNode listener : exchange.get("listeners")) {
        String name = exchange.get("name").textValue() + " via " + listener.textValue();
        int port = switch (listener.textValue()) {
          case "gateway" -> gateway.port();
          case "direct" -> server.clientPort();
          default -> throw new IllegalArgumentException("unknown listener " + listener);
        };
        tests.add(dynamicTest(name, () -> run(exchange, port)));
      }
    }
    assertThat(tests).isNotEmpty();
    return tests;
  }

  private static void run(JsonNode exchange, int port) throws Exception {
    String couple = "vectors-" + UUID.randomUUID();
    new ExchangeRunner(group, tls, port, couple, ProtocolExchangesTest::token).run(exchange);
  }

  /** The token a {@code $token} placeholder asks for (schema: placeholders). */
  private static String token(JsonNode claims) {
    String user = claims.get("sub").textValue();
    String cpl = claims.get("cpl").textValue();
    if (claims.path("expired").asBoolean()) {
      return chat.expiredToken(user, cpl);
    }
    if (claims.path("foreignKey").asBoolean()) {
      Instant now = Instant.now();
      TokenSigner foreign = new TokenSigner(TokenKeys.generate("k1"));
      return foreign.sign(new TokenClaims(user, cpl, null, now, now.plus(Duration.ofHours(1))));
    }
    return chat.token(user, cpl);
  }
}
