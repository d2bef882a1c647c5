package io.presenter.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.presenter.gateway.TlsTestClient;
import io.presenter.gateway.server.GatewayServer;
import io.presenter.protocol.client.ClientFrames;
import io.presenter.protocol.client.thrift.ClientFrame;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local cluster as `presenter local` runs it: two partners, two gateways, a restart. */
class LocalClusterTest {
  @TempDir Path dir;

  private static TlsTestClient.Conn login(TlsTestClient phones, LocalCluster cluster, GatewayServer gateway, String user, long lastSeen)
      throws Exception {
    return phones.login(gateway.port(), cluster.token(user, "demo", Duration.ofHours(1)), user + "-phone", lastSeen);
  }

  @Test
  void partnersChatThroughTwoGatewaysAndHistorySurvivesARestart() throws Exception {
    try (LocalCluster cluster = new LocalCluster(dir, 3, 2, 0).start()) {
      Path description = cluster.writeDescription();
      assertThat(Files.readString(description)).contains("\"zookeeper\"", "\"gateways\"", "\"chatServers\"", "\"ca\"");
      cluster.gateways().forEach(g -> await().atMost(Duration.ofSeconds(20)).until(g::isReady));
      try (TlsTestClient phones = new TlsTestClient(cluster.caFile().toFile())) {
        TlsTestClient.Conn alice = login(phones, cluster, cluster.gateways().get(0), "alice", 0);
        TlsTestClient.Conn bob = login(phones, cluster, cluster.gateways().get(1), "bob", 0);
        for (int i = 1; i <= 3; i++) {
          alice.send(ClientFrames.send("m" + i, 1, ("hello " + i).getBytes(StandardCharsets.UTF_8)));
          assertThat(bob.next(ClientFrame::isSetMessage).getMessage().getSeq()).isEqualTo(i);
        }
      }
    }
    try (LocalCluster again = new LocalCluster(dir, 3, 2, 0).start()) {
      again.gateways().forEach(g -> await().atMost(Duration.ofSeconds(20)).until(g::isReady));
      try (TlsTestClient phones = new TlsTestClient(again.caFile().toFile())) {
        TlsTestClient.Conn bob = login(phones, again, again.gateways().get(1), "bob", 0);
        ClientFrame page = bob.next(ClientFrame::isSetSyncPage);
        assertThat(page.getSyncPage().getMessages())
            .extracting(m -> new String(m.getBody(), StandardCharsets.UTF_8))
            .containsExactly("hello 1", "hello 2", "hello 3");
      }
    }
  }
}
