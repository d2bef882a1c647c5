package io.presenter.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.channel.Channel;
import io.presenter.chat.server.ChatServer;
import io.presenter.protocol.client.ClientFrames;
import io.presenter.protocol.client.thrift.ClientFrame;
import io.presenter.protocol.client.thrift.ErrorCode;
import io.presenter.protocol.mux.StreamCloseInfo;
import io.presenter.protocol.mux.thrift.CloseReason;
import io.presenter.runtime.ring.HashRing;
import io.presenter.runtime.testing.ZooKeeperExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** One real chat server behind a test "gateway": chat semantics and bad input. */
class ChatServerTest {
  @RegisterExtension static final ZooKeeperExtension zk = new ZooKeeperExtension();

  @TempDir Path dir;
  private ChatTestCluster cluster;
  private MuxTestClient gateway;
  private ChatServer server;
  private Channel connection;
  private final String couple = "couple-" + UUID.randomUUID();

  @BeforeEach
  void start() throws Exception {
    cluster = new ChatTestCluster(zk.connectString(), dir);
    server = cluster.start("chat-a");
    gateway = new MuxTestClient();
    connection = gateway.connect(server.muxPort());
  }

  @AfterEach
  void stop() {
    gateway.close();
    cluster.close();
  }

  private TestSession login(String user, String device, long lastSeen) throws Exception {
    TestSession s = gateway.open(connection, cluster.token(user, couple), couple, device, lastSeen, 0);
    ClientFrame ok = s.next();
    assertThat(ok.isSetAuthOk()).as("AuthOk, got %s", ok).isTrue();
    return s;
  }

  private static ClientFrame text(String id, String text) {
    return ClientFrames.send(id, 1, text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void partnersExchangeMessagesAndEveryDeviceGetsThem() throws Exception {
    TestSession alicePhone = login("alice", "phone", 0);
    TestSession aliceLaptop = login("alice", "laptop", 0);
    TestSession bob = login("bob", "phone", 0);
    alicePhone.next(ClientFrame::isSetPresence); // bob came online

    alicePhone.send(text("m1", "hi bob"));
    ClientFrame ack = alicePhone.next(ClientFrame::isSetAck);
    assertThat(ack.getAck().getSeq()).isEqualTo(1);
    assertThat(ack.getAck().getClientMessageId()).isEqualTo("m1");

    ClientFrame atBob = bob.next(ClientFrame::isSetMessage);
    assertThat(atBob.getMessage().getSeq()).isEqualTo(1);
    assertThat(atBob.getMessage().getSenderId()).isEqualTo("alice");
    assertThat(new String(atBob.getMessage().getBody(), StandardCharsets.UTF_8)).isEqualTo("hi bob");
    assertThat(aliceLaptop.next(ClientFrame::isSetMessage).getMessage().getSeq()).isEqualTo(1);

    bob.send(text("b1", "hi alice"));
    assertThat(bob.next(ClientFrame::isSetAck).getAck().getSeq()).isEqualTo(2);
    assertThat(alicePhone.next(ClientFrame::isSetMessage).getMessage().getSeq()).isEqualTo(2);
  }

  @Test
  void resendingAClientMessageIdReturnsTheOriginalAckAndStoresNothing() throws Exception {
    TestSession alice = login("alice", "phone", 0);
    TestSession bob = login("bob", "phone", 0);
    alice.send(text("same-id", "once"));
    long seq = alice.next(ClientFrame::isSetAck).getAck().getSeq();
    alice.send(text("same-id", "once"));
    assertThat(alice.next(ClientFrame::isSetAck).getAck().getSeq()).isEqualTo(seq);
    alice.send(text("other", "twice"));
    assertThat(alice.next(ClientFrame::isSetAck).getAck().getSeq()).isEqualTo(seq + 1);

    assertThat(bob.next(ClientFrame::isSetMessage).getMessage().getSeq()).isEqualTo(seq);
    assertThat(bob.next(ClientFrame::isSetMessage).getMessage().getSeq()).isEqualTo(seq + 1);
  }

  @Test
  void reconnectingDeviceIsSyncedFromItsLastSeenSeq() throws Exception {
    TestSession alice = login("alice", "phone", 0);
    for (int i = 1; i <= 5; i++) {
      alice.send(text("m" + i, "message " + i));
      alice.next(ClientFrame::isSetAck);
    }
    TestSession bob = gateway.open(connection, cluster.token("bob", couple), couple, "phone", 2, 0);
    ClientFrame ok = bob.next();
    assertThat(ok.getAuthOk().getLatestSeq()).isEqualTo(5);
    ClientFrame page = bob.next(ClientFrame::isSetSyncPage);
    assertThat(page.getSyncPage().getMessages()).extracting(m -> m.getSeq()).containsExactly(3L, 4L, 5L);
    assertThat(page.getSyncPage().isHasMore()).isFalse();

    bob.send(ClientFrames.syncRequest(0, 2));
    ClientFrame first = bob.next(ClientFrame::isSetSyncPage);
    assertThat(first.getSyncPage().getMessages()).extracting(m -> m.getSeq()).containsExactly(1L, 2L);
    assertThat(first.getSyncPage().isHasMore()).isTrue();
  }

  @Test
  void typingIsRelayedAndExpiresOnItsOwn() throws Exception {
    TestSession alice = login("alice", "phone", 0);
    TestSession bob = login("bob", "phone", 0);
    alice.send(ClientFrames.typing(true, null));
    ClientFrame on = bob.next(ClientFrame::isSetTyping);
    assertThat(on.getTyping().isTyping()).isTrue();
    assertThat(on.getTyping().getUserId()).isEqualTo("alice");
    // Not renewed: the server ends it after the typing TTL (6 s by default).
    ClientFrame off = bob.next(ClientFrame::isSetTyping);
    assertThat(off.getTyping().isTyping()).isFalse();
  }

  @Test
  void readMarkerIsStoredAndRelayed() throws Exception {
    TestSession alice = login("alice", "phone", 0);
    TestSession bob = login("bob", "phone", 0);
    alice.send(text("m1", "read me"));
    bob.next(ClientFrame::isSetMessage);
    bob.send(ClientFrames.readUpTo(1, null));
    ClientFrame marker = alice.next(ClientFrame::isSetReadUpTo);
    assertThat(marker.getReadUpTo().getSeq()).isEqualTo(1);
    assertThat(marker.getReadUpTo().getUserId()).isEqualTo("bob");
    TestSession tablet = gateway.open(connection, cluster.token("alice", couple), couple, "tablet", 1, 0);
    assertThat(tablet.next().getAuthOk().getPartnerReadUpTo()).isEqualTo(1);
  }

  @Test
  void presenceFollowsThePartnersDevices() throws Exception {
    TestSession alice = login("alice", "phone", 0);
    TestSession bob = login("bob", "phone", 0);
    ClientFrame online = alice.next(ClientFrame::isSetPresence);
    assertThat(online.getPresence().isOnline()).isTrue();
    bob.close();
    ClientFrame offline = alice.next(ClientFrame::isSetPresence);
    assertThat(offline.getPresence().getUserId()).isEqualTo("bob");
    assertThat(offline.getPresence().isOnline()).isFalse();
  }

  @Test
  void anEmptyTokenIsRefused() throws Exception {
    TestSession s = gateway.open(connection, "", couple, "phone", 0, 0);
    // The replayed auth frame has an empty token: rejected as invalid, fatal.
    ClientFrame error = s.next();
    assertThat(error.getError().getCode()).isEqualTo(ErrorCode.AUTH_INVALID);
    assertThat(error.getError().isFatal()).isTrue();
    assertThat(s.awaitClosed().reason()).isEqualTo(CloseReason.AUTH_FAILED);
  }

  @Test
  void expiredTokenGetsAuthExpired() throws Exception {
    TestSession s = gateway.open(connection, cluster.expiredToken("alice", couple), couple, "phone", 0, 0);
    assertThat(s.next().getError().getCode()).isEqualTo(ErrorCode.AUTH_EXPIRED);
    assertThat(s.awaitClosed().origin()).isEqualTo(StreamCloseInfo.Origin.REMOTE);
  }

  @Test
  void tokenForAnotherCoupleThanTheStreamIsRefused() throws Exception {
    TestSession s = gateway.open(connection, cluster.token("alice", "other-couple"), couple, "phone", 0, 0);
    assertThat(s.next().getError().getCode()).isEqualTo(ErrorCode.WRONG_COUPLE);
    assertThat(s.awaitClosed().reason()).isEqualTo(CloseReason.AUTH_FAILED);
  }

  @Test
  void secondAuthIsFatalButOtherCouplesAreUnaffected() throws Exception {
    TestSession alice = login("alice", "phone", 0);
    String otherCouple = "couple-" + UUID.randomUUID();
    TestSession carol = gateway.open(connection, cluster.token("carol", otherCouple), otherCouple, "phone", 0, 0);
    assertThat(carol.next().isSetAuthOk()).isTrue();

    alice.send(ClientFrames.auth(cluster.token("alice", couple), "phone", 0, 0));
    assertThat(alice.next(ClientFrame::isSetError).getError().getCode()).isEqualTo(ErrorCode.ALREADY_AUTHENTICATED);
    alice.awaitClosed();

    carol.send(text("c1", "still here"));
    assertThat(carol.next(ClientFrame::isSetAck).getAck().getSeq()).isEqualTo(1);
  }

  @Test
  void oversizedBodyIsRefusedWithoutEndingTheSession() throws Exception {
    TestSession alice = login("alice", "phone", 0);
    alice.send(ClientFrames.send("big", 1, new byte[65537]));
    ClientFrame error = alice.next(ClientFrame::isSetError);
    assertThat(error.getError().getCode()).isEqualTo(ErrorCode.BODY_TOO_LARGE);
    assertThat(error.getError().getClientMessageId()).isEqualTo("big");
    assertThat(error.getError().isFatal()).isFalse();
    alice.send(text("small", "fits"));
    assertThat(alice.next(ClientFrame::isSetAck).getAck().getSeq()).isEqualTo(1);
  }

  @Test
  void aCoupleOwnedElsewhereIsRefusedAsMovedWithTheRingVersion() throws Exception {
    ChatServer other = cluster.start("chat-b");
    await().atMost(Duration.ofSeconds(10)).until(() -> server.meters().get("presenter.chat.ring.members").gauge().value() == 2);
    HashRing ring = HashRing.of(0, java.util.List.of(
        new io.presenter.runtime.ring.Member("chat-a", "h", 1, 0, 1),
        new io.presenter.runtime.ring.Member("chat-b", "h", 1, 0, 1)));
    String elsewhere = null;
    for (int i = 0; elsewhere == null; i++) {
      String candidate = "c" + i;
      if (ring.ownerOf(candidate).id().equals("chat-b")) {
        elsewhere = candidate;
      }
    }
    TestSession s = gateway.open(connection, cluster.token("alice", elsewhere), elsewhere, "phone", 0, 0);
    StreamCloseInfo closed = s.awaitClosed();
    assertThat(closed.reason()).isEqualTo(CloseReason.MOVED);
    assertThat(closed.ringVersion()).isGreaterThan(0);
    assertThat(other.isReady()).isTrue();
  }
}
