package io.presenter.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.presenter.gateway.TlsTestClient;
import io.presenter.gateway.server.GatewayServer;
import io.presenter.protocol.client.ClientFrames;
import io.presenter.protocol.client.thrift.ClientFrame;
import io.presenter.protocol.token.TokenClaims;
import io.presenter.protocol.token.TokenKeys;
import io.presenter.protocol.token.TokenSigner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local cluster as `presenter local` runs it: two partners, two gateways, a restart. */
class LocalClusterTest {
  @TempDir Path dir;

  private static String token(Path keyFile, String user) {
    Instant now = Instant.now();
    return new TokenSigner(TokenKeys.load(keyFile)).sign(new TokenClaims(user, "demo", null, now, now.plus(Duration.ofHours(1))));
  }

  private static TlsTestClient.Conn login(TlsTestClient phones, GatewayServer gateway, Path keyFile, String user, long lastSeen)
      throws Exception {
    TlsTestClient.Conn conn = phones.connect(gateway.port());
    conn.send(ClientFrames.auth(token(keyFile, user), user + "-phone", lastSeen, 0));
    ClientFrame ok = conn.next();
    assertThat(ok.isSetAuthOk()).as("AuthOk, got %s", ok).isTrue();
    return conn;
  }

  @Test
  void partnersChatThroughTwoGatewaysAndHistorySurvivesARestart() throws Exception {
    try (LocalCluster cluster = new LocalCluster(dir, 3, 2, 0).start()) {
      Path description = cluster.writeDescription();
      assertThat(Files.readString(description)).contains("\"zookeeper\"", "\"gateways\"", "\"chatServers\"", "\"ca\"");
      cluster.gateways().forEach(g -> await().atMost(Duration.ofSeconds(20)).until(g::isReady));
      try (TlsTestClient phones = new TlsTestClient(cluster.caFile().toFile())) {
        TlsTestClient.Conn alice = login(phones, cluster.gateways().get(0), cluster.keyFile(), "alice", 0);
        TlsTestClient.Conn bob = login(phones, cluster.gateways().get(1), cluster.keyFile(), "bob", 0);
        for (int i = 1; i <= 3; i++) {
          alice.send(ClientFrames.send("m" + i, 1, ("hello " + i).getBytes(StandardCharsets.UTF_8)));
          assertThat(bob.next(ClientFrame::isSetMessage).getMessage().getSeq()).isEqualTo(i);
        }
      }
    }
    try (LocalCluster again = new LocalCluster(dir, 3, 2, 0).start()) {
      again.gateways().forEach(g -> await().atMost(Duration.ofSeconds(20)).until(g::isReady));
      try (TlsTestClient phones = new TlsTestClient(again.caFile().toFile())) {
        TlsTestClient.Conn bob = login(phones, again.gateways().get(1), again.keyFile(), "bob", 0);
        ClientFrame page = bob.next(ClientFrame::isSetSyncPage);
        assertThat(page.getSyncPage().getMessages())
            .extracting(m -> new String(m.getBody(), StandardCharsets.UTF_8))
            .containsExactly("hello 1", "hello 2", "hello 3");
      }
    }
  }
}
