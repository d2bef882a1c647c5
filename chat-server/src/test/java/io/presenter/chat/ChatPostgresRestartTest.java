package io.presenter.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.Channel;
import io.presenter.chat.server.ChatServer;
import io.presenter.chat.store.PostgresTestDatabase;
import io.presenter.protocol.client.ClientFrames;
import io.presenter.protocol.client.thrift.ClientFrame;
import io.presenter.runtime.testing.ZooKeeperExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Chat servers on PostgreSQL: history and the sequence survive a server's restart and a move. */
class ChatPostgresRestartTest {
  @RegisterExtension final ZooKeeperExtension zk = new ZooKeeperExtension();

  @TempDir Path dir;
  private String schema;
  private ChatTestCluster cluster;
  private MuxTestClient gateway;

  @BeforeEach
  void start() throws Exception {
    PostgresTestDatabase.assumeReachable();
    schema = PostgresTestDatabase.createSchema();
    cluster = new ChatTestCluster(zk.connectString(), dir, Map.of(
        "presenter.chat.store.type", "postgresql",
        "presenter.chat.store.jdbc-url", PostgresTestDatabase.urlFor(schema),
        "presenter.chat.store.username", PostgresTestDatabase.USER,
        "presenter.chat.store.password", PostgresTestDatabase.PASSWORD));
    gateway = new MuxTestClient();
  }

  @AfterEach
  void stop() throws Exception {
    if (gateway != null) {
      gateway.close();
      cluster.close();
      PostgresTestDatabase.dropSchema(schema);
    }
  }

  @Test
  void historySurvivesARestartOnPostgres() throws Exception {
    ChatServer a = cluster.start("chat-a");
    Channel toA = gateway.connect(a.muxPort());
    TestSession alice = gateway.open(toA, cluster.token("alice", "pg-couple"), "pg-couple", "phone", 0, 0);
    assertThat(alice.next().isSetAuthOk()).isTrue();
    for (int i = 1; i <= 3; i++) {
      alice.send(ClientFrames.send("m" + i, 1, ("pg " + i).getBytes(StandardCharsets.UTF_8)));
      assertThat(alice.next(ClientFrame::isSetAck).getAck().getSeq()).isEqualTo(i);
    }
    cluster.stop(a);

    ChatServer b = cluster.start("chat-b");
    TestSession bob = gateway.open(gateway.connect(b.muxPort()), cluster.token("bob", "pg-couple"), "pg-couple", "phone", 0, 0);
    assertThat(bob.next().getAuthOk().getLatestSeq()).isEqualTo(3);
    assertThat(bob.next(ClientFrame::isSetSyncPage).getSyncPage().getMessages())
        .extracting(m -> new String(m.getBody(), StandardCharsets.UTF_8))
        .containsExactly("pg 1", "pg 2", "pg 3");
    // A resend of an acknowledged message after the move is still recognised.
    TestSession aliceAgain = gateway.open(gateway.connect(b.muxPort()), cluster.token("alice", "pg-couple"), "pg-couple", "phone", 3, 0);
    aliceAgain.next(ClientFrame::isSetAuthOk);
    aliceAgain.send(ClientFrames.send("m3", 1, "pg 3".getBytes(StandardCharsets.UTF_8)));
    assertThat(aliceAgain.next(ClientFrame::isSetAck).getAck().getSeq()).isEqualTo(3);
    aliceAgain.send(ClientFrames.send("m4", 1, "pg 4".getBytes(StandardCharsets.UTF_8)));
    assertThat(aliceAgain.next(ClientFrame::isSetAck).getAck().getSeq()).isEqualTo(4);
  }
}
