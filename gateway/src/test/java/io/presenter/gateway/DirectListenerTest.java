package io.presenter.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.presenter.chat.ChatTestCluster;
import io.presenter.chat.server.ChatServer;
import io.presenter.protocol.client.ClientFrames;
import io.presenter.protocol.client.thrift.ClientFrame;
import io.presenter.protocol.client.thrift.ErrorCode;
import io.presenter.protocol.client.thrift.GoAwayReason;
import io.presenter.runtime.testing.ZooKeeperExtension;
import io.presenter.runtime.tls.LocalCertificates;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The chat server's direct TLS listener: the same session pipeline without a gateway. */
class DirectListenerTest {
  @RegisterExtension final ZooKeeperExtension zk = new ZooKeeperExtension();

  @TempDir Path dir;
  private ChatTestCluster chat;
  private ChatServer server;
  private TlsTestClient phones;

  @BeforeEach
  void start() throws Exception {
    LocalCertificates.Files3 certs = LocalCertificates.create(dir.resolve("tls"));
    chat = new ChatTestCluster(zk.connectString(), dir, Map.of(
        "presenter.chat.client-port", 0,
        "presenter.chat.tls.cert-file", certs.certificate().toString(),
        "presenter.chat.tls.key-file", certs.privateKey().toString()));
    server = chat.start("chat-direct");
    phones = new TlsTestClient(certs.ca().toFile());
  }

  @AfterEach
  void stop() {
    phones.close();
    chat.close();
  }

  @Test
  void clientsChatDirectlyAndGetAGoAwayWhenTheServerStops() throws Exception {
    TlsTestClient.Conn alice = phones.login(server.clientPort(), chat.token("alice", "c1"), "phone");
    TlsTestClient.Conn bob = phones.login(server.clientPort(), chat.token("bob", "c1"), "phone");
    alice.send(ClientFrames.send("a1", 1, "direct".getBytes(StandardCharsets.UTF_8)));
    assertThat(bob.next(ClientFrame::isSetMessage).getMessage().getSeq()).isEqualTo(1);

    chat.stop(server);
    assertThat(alice.next(ClientFrame::isSetGoAway).getGoAway().getReason()).isIn(GoAwayReason.DRAINING, GoAwayReason.MOVED);
    assertThat(alice.awaitClosed(Duration.ofSeconds(5))).isTrue();
  }

  @Test
  void aFrameBeforeAuthIsRefused() throws Exception {
    TlsTestClient.Conn conn = phones.connect(server.clientPort());
    conn.send(ClientFrames.send("x", 1, new byte[] {1}));
    ClientFrame error = conn.next();
    assertThat(error.getError().getCode()).isEqualTo(ErrorCode.AUTH_REQUIRED);
    assertThat(error.getError().isFatal()).isTrue();
    assertThat(conn.awaitClosed(Duration.ofSeconds(5))).isTrue();
  }

  @Test
  void garbageIsABadFrame() throws Exception {
    TlsTestClient.Conn conn = phones.connect(server.clientPort());
    conn.sendRaw(io.netty.buffer.Unpooled.buffer().writeInt(3).writeBytes(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff}));
    ClientFrame error = conn.next();
    assertThat(error.getError().getCode()).isEqualTo(ErrorCode.BAD_FRAME);
    assertThat(conn.awaitClosed(Duration.ofSeconds(5))).isTrue();
  }
}
