package io.presenter.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.presenter.chat.ChatTestCluster;
import io.presenter.chat.server.ChatServer;
import io.presenter.gateway.server.GatewayServer;
import io.presenter.protocol.client.ClientFrames;
import io.presenter.protocol.client.thrift.ClientFrame;
import io.presenter.runtime.testing.ZooKeeperExtension;
import io.presenter.runtime.tls.LocalCertificates;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/PROTOCOL.md 3.7: frames a client sends right behind its Auth frame, before AuthOk, are
 * not lost. Phones pipeline a resend after a reconnect in the same write as the Auth.
 */
class PipelinedAfterAuthTest {
  private static final int PIPELINED = 20;

  @RegisterExtension final ZooKeeperExtension zk = new ZooKeeperExtension();

  @TempDir Path dir;
  private ChatTestCluster chat;
  private ChatServer server;
  private GatewayTestCluster gateways;
  private TlsTestClient phones;
  private final String couple = "couple-" + UUID.randomUUID();

  @BeforeEach
  void start() throws Exception {
    LocalCertificates.Files3 certs = LocalCertificates.create(dir.resolve("direct-tls"));
    chat = new ChatTestCluster(zk.connectString(), dir, Map.of(
        "presenter.chat.client-port", 0,
        "presenter.chat.tls.cert-file", certs.certificate().toString(),
        "presenter.chat.tls.key-file", certs.privateKey().toString()));
    server = chat.start("chat-a");
    gateways = new GatewayTestCluster(zk.connectString(), dir, chat.keyFile());
    phones = new TlsTestClient(gateways.certs.ca().toFile());
  }

  @AfterEach
  void stop() {
    phones.close();
    gateways.close();
    chat.close();
  }

  @Test
  void framesInTheSameWriteAsAuthAreServedInOrderThroughTheGateway() throws Exception {
    GatewayServer gateway = gateways.start("gw-1");
    await().atMost(Duration.ofSeconds(15)).until(gateway::isReady);

    assertPipelinedSendsAreAcked(phones, gateway.port());
  }

  @Test
  void framesInTheSameWriteAsAuthAreServedInOrderOnTheDirectListener() throws Exception {
    try (TlsTestClient direct = new TlsTestClient(LocalCertificates.create(dir.resolve("direct-tls")).ca().toFile())) {
      assertPipelinedSendsAreAcked(direct, server.clientPort());
    }
  }

  private void assertPipelinedSendsAreAcked(TlsTestClient client, int port) throws Exception {
    TlsTestClient.Conn alice = client.connect(port);
    CompositeByteBuf write = ByteBufAllocator.DEFAULT.compositeBuffer(PIPELINED + 1);
    write.addComponent(true, ClientFrames.encode(ByteBufAllocator.DEFAULT, ClientFrames.auth(chat.token("alice", couple), "phone", 0, 0)));
    for (int i = 1; i <= PIPELINED; i++) {
      write.addComponent(true, ClientFrames.encode(ByteBufAllocator.DEFAULT, text("m" + i)));
    }
    alice.sendRaw(write);

    assertThat(alice.next().isSetAuthOk()).isTrue();
    for (int i = 1; i <= PIPELINED; i++) {
      ClientFrame ack = alice.next(ClientFrame::isSetAck);
      assertThat(ack.getAck().getClientMessageId()).isEqualTo("m" + i);
      assertThat(ack.getAck().getSeq()).isEqualTo(i);
    }
    TlsTestClient.Conn bob = client.login(port, chat.token("bob", couple), "phone");
    bob.send(ClientFrames.syncRequest(0, 100));
    assertThat(bob.next(ClientFrame::isSetSyncPage).getSyncPage().getMessages()).hasSize(PIPELINED);
  }

  private static ClientFrame text(String id) {
    return ClientFrames.send(id, 1, id.getBytes(StandardCharsets.UTF_8));
  }

}
