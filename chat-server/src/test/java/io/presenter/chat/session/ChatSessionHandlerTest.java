package io.presenter.chat.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.Unpooled;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import io.presenter.chat.couple.CoupleRegistry;
import io.presenter.chat.metrics.ChatMetrics;
import io.presenter.chat.ownership.Ownership;
import io.presenter.chat.store.MessageStores;
import io.presenter.chat.store.StoreConfig;
import io.presenter.chat.store.StoredMessage;
import io.presenter.protocol.client.ClientFrameError;
import io.presenter.protocol.client.ClientFrames;
import io.presenter.protocol.client.thrift.ClientFrame;
import io.presenter.protocol.client.thrift.ErrorCode;
import io.presenter.protocol.client.thrift.ServerError;
import io.presenter.runtime.ring.HashRing;
import io.presenter.runtime.ring.Member;
import io.presenter.runtime.token.TokenClaims;
import io.presenter.runtime.token.TokenKeys;
import io.presenter.runtime.token.TokenSigner;
import io.presenter.runtime.token.TokenVerifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Predicate;
import org.apache.curator.framework.state.ConnectionState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ChatSessionHandler} on EmbeddedChannels with real parts behind it: an H2 store, the
 * couple registry, ownership over a ring the test sets, real tokens. The transport is a recording
 * one, so the tests see the domain reason each session ends with (the wire mapping has its own
 * tests in the server package).
 */
class ChatSessionHandlerTest {
  private static final String COUPLE = "c1";
  private static final int MAX_BODY_BYTES = 1024;
  private static final int MAX_PENDING_OUTPUT_BYTES = 4096;

  @TempDir Path dir;
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final List<EmbeddedChannel> channels = new ArrayList<>();
  private final TokenKeys keys = TokenKeys.generate("k1");
  private final TokenSigner signer = new TokenSigner(keys);
  private volatile HashRing ring = ringOf(1, "chat-a");
  private GatedStore store;
  private ScheduledExecutorService timers;
  private Ownership ownership;
  private ChatServices services;

  @BeforeEach
  void open() {
    store = new GatedStore(MessageStores.open(StoreConfig.embedded(dir), new SimpleMeterRegistry()));
    timers = Executors.newSingleThreadScheduledExecutor();
    CoupleRegistry couples = new CoupleRegistry(store, Runnable::run, timers, 6_000);
    ownership = new Ownership("chat-a", () -> ring, couples);
    SessionLimits limits = new SessionLimits(65_536, MAX_BODY_BYTES, 100, MAX_PENDING_OUTPUT_BYTES, 16, Duration.ofSeconds(6));
    services = new ChatServices(limits, new TokenVerifier(keys), ownership, couples, store, Runnable::run, new ChatMetrics(meters));
  }

  @AfterEach
  void close() {
    channels.forEach(EmbeddedChannel::finishAndReleaseAll);
    timers.shutdownNow();
    store.close();
  }

  // ---- authentication ----

  @Test
  void aValidAuthIsAnsweredWithAuthOk() {
    Client alice = new Client();
    alice.receive(ClientFrames.auth(token("alice", COUPLE), "phone", 0, 0));
    ClientFrame ok = alice.next();
    assertThat(ok.isSetAuthOk()).as("AuthOk, got %s", ok).isTrue();
    assertThat(ok.getAuthOk().getUserId()).isEqualTo("alice");
    assertThat(ok.getAuthOk().getCoupleId()).isEqualTo(COUPLE);
    assertThat(ok.getAuthOk().getLatestSeq()).isZero();
    assertThat(ok.getAuthOk().isPartnerOnline()).isFalse();
    assertThat(ok.getAuthOk().getMaxFrameSize()).isEqualTo(65_536);
    assertThat(alice.transport.ends).isEmpty();
    assertThat(meters.get("presenter.chat.auth").tag("outcome", "ok").counter().count()).isEqualTo(1);
    assertThat(meters.get("presenter.chat.sessions").gauge().value()).isEqualTo(1);
  }

  @Test
  void aReopenedStreamIsAnsweredWithSessionReestablished() {
    Client alice = login("alice", "phone");
    alice.receive(ClientFrames.send("m1", 1, bytes("hi")));
    store.awaitAndRelease();
    alice.next(ClientFrame::isSetAck);

    Client again = new Client();
    again.transport.reopen = true;
    again.receive(ClientFrames.auth(token("alice", COUPLE), "laptop", 0, 0));
    ClientFrame frame = again.next();
    assertThat(frame.isSetSessionReestablished()).as("SessionReestablished, got %s", frame).isTrue();
    assertThat(frame.getSessionReestablished().getLatestSeq()).isEqualTo(1);
  }

  @Test
  void aFirstFrameOtherThanAuthIsFatal() {
    Client client = new Client();
    client.receive(ClientFrames.ping(1));
    assertFatal(client.next(), ErrorCode.AUTH_REQUIRED);
    assertThat(client.transport.ends).containsExactly("closeAfterError PROTOCOL_ERROR");
    assertThat(client.channel.isOpen()).isFalse();
  }

  @Test
  void anInvalidTokenIsRefused() {
    Client client = new Client();
    client.receive(ClientFrames.auth("not-a-token", "phone", 0, 0));
    assertFatal(client.next(), ErrorCode.AUTH_INVALID);
    assertThat(client.transport.ends).containsExactly("closeAfterError AUTH_FAILED");
    assertThat(meters.get("presenter.chat.auth").tag("outcome", "rejected").counter().count()).isEqualTo(1);
  }

  @Test
  void anExpiredTokenIsRefusedAsExpired() {
    Instant past = Instant.now().minus(Duration.ofHours(2));
    String expired = signer.sign(new TokenClaims("alice", COUPLE, null, past, past.plus(Duration.ofHours(1))));
    Client client = new Client();
    client.receive(ClientFrames.auth(expired, "phone", 0, 0));
    assertFatal(client.next(), ErrorCode.AUTH_EXPIRED);
    assertThat(client.transport.ends).containsExactly("closeAfterError AUTH_FAILED");
  }

  @Test
  void aMissingOrOverlongDeviceIdIsRefused() {
    for (String device : new String[] {"", "d".repeat(io.presenter.protocol.client.AuthFrameCheck.MAX_DEVICE_ID_CHARS + 1)}) {
      Client client = new Client();
      client.receive(ClientFrames.auth(token("alice", COUPLE), device, 0, 0));
      assertFatal(client.next(), ErrorCode.AUTH_INVALID);
      assertThat(client.transport.ends).containsExactly("closeAfterError AUTH_FAILED");
    }
  }

  @Test
  void aTokenForAnotherCoupleThanTheRoutedOneIsRefused() {
    Client client = new Client();
    client.transport.routedCoupleId = "other-couple";
    client.receive(ClientFrames.auth(token("alice", COUPLE), "phone", 0, 0));
    assertFatal(client.next(), ErrorCode.WRONG_COUPLE);
    assertThat(client.transport.ends).containsExactly("closeAfterError AUTH_FAILED");
  }

  @Test
  void aThirdUserOfACoupleIsRefused() {
    login("alice", "phone");
    login("bob", "phone");
    Client carol = new Client();
    carol.receive(ClientFrames.auth(token("carol", COUPLE), "phone", 0, 0));
    assertFatal(carol.next(), ErrorCode.AUTH_INVALID);
    assertThat(carol.transport.ends).containsExactly("closeAfterError AUTH_FAILED");
  }

  @Test
  void aSecondAuthIsFatal() {
    Client alice = login("alice", "phone");
    alice.receive(ClientFrames.auth(token("alice", COUPLE), "phone", 0, 0));
    assertFatal(alice.next(), ErrorCode.ALREADY_AUTHENTICATED);
    assertThat(alice.transport.ends).containsExactly("closeAfterError PROTOCOL_ERROR");
  }

  @Test
  void anUndecodableFrameIsFatalWithTheDecodersCode() {
    Client alice = login("alice", "phone");
    alice.channel.pipeline().fireUserEventTriggered(new ClientFrameError(ErrorCode.FRAME_TOO_LARGE, "frame of 9999999 bytes"));
    ClientFrame error = alice.next();
    assertFatal(error, ErrorCode.FRAME_TOO_LARGE);
    assertThat(error.getError().getMessage()).isEqualTo("frame of 9999999 bytes");
    assertThat(alice.transport.ends).containsExactly("closeAfterError PROTOCOL_ERROR");
  }

  // ---- sends ----

  @Test
  void aSendIsAckedOnlyOnceTheStoreCommittedIt() {
    Client alice = login("alice", "phone");
    Client bob = login("bob", "phone");
    assertThat(alice.next(ClientFrame::isSetPresence).getPresence().getUserId()).isEqualTo("bob");

    alice.receive(ClientFrames.send("m1", 7, bytes("hi bob")));
    await().atMost(Duration.ofSeconds(10)).until(() -> store.readAfter(COUPLE, 0, 10).size() == 1);
    assertThat(alice.poll()).as("no ack while the commit's completion is held back").isNull();
    assertThat(bob.poll()).as("no delivery before the commit completed").isNull();

    store.awaitAndRelease();
    ClientFrame ack = alice.next();
    assertThat(ack.isSetAck()).as("Ack, got %s", ack).isTrue();
    assertThat(ack.getAck().getClientMessageId()).isEqualTo("m1");
    assertThat(ack.getAck().getSeq()).isEqualTo(1);
    StoredMessage stored = store.readAfter(COUPLE, 0, 10).get(0);
    assertThat(ack.getAck().getServerTimestamp()).isEqualTo(stored.timestampMillis());

    ClientFrame atBob = bob.next();
    assertThat(atBob.getMessage().getSeq()).isEqualTo(1);
    assertThat(atBob.getMessage().getSenderId()).isEqualTo("alice");
    assertThat(atBob.getMessage().getSenderDeviceId()).isEqualTo("phone");
    assertThat(atBob.getMessage().getKind()).isEqualTo(7);
    assertThat(new String(atBob.getMessage().getBody(), StandardCharsets.UTF_8)).isEqualTo("hi bob");
    assertThat(alice.poll()).as("the sending device gets no copy").isNull();
  }

  @Test
  void badRequestsGetNonFatalErrorsAndTheSessionGoesOn() {
    Client alice = login("alice", "phone");

    alice.receive(ClientFrames.send("", 1, bytes("x")));
    assertNonFatal(alice.next(), ErrorCode.BAD_REQUEST);

    alice.receive(ClientFrames.send("big", 1, new byte[MAX_BODY_BYTES + 1]));
    ClientFrame tooLarge = alice.next();
    assertNonFatal(tooLarge, ErrorCode.BODY_TOO_LARGE);
    assertThat(tooLarge.getError().getClientMessageId()).isEqualTo("big");

    alice.receive(ClientFrames.syncRequest(0, 0));
    assertNonFatal(alice.next(), ErrorCode.BAD_REQUEST);

    alice.receive(ClientFrames.readUpTo(-1, null));
    assertNonFatal(alice.next(), ErrorCode.BAD_REQUEST);

    alice.receive(ClientFrames.readUpTo(5, null));
    assertNonFatal(alice.next(), ErrorCode.BAD_REQUEST); // beyond the latest message

    alice.receive(ClientFrames.ack("m1", 1, 0));
    assertNonFatal(alice.next(), ErrorCode.BAD_REQUEST); // a server-to-client frame

    alice.receive(ClientFrames.ping(42));
    assertThat(alice.next().getPong().getNonce()).isEqualTo(42);
    assertThat(alice.transport.ends).isEmpty();
    assertThat(meters.get("presenter.chat.errors").tag("code", "BAD_REQUEST").counter().count()).isEqualTo(5);
  }

  // ---- how sessions end ----

  @Test
  void aCoupleOwnedElsewhereEndsTheSessionAsMovedBehindAGateway() {
    ring = ringOf(4, "chat-b");
    Client alice = new Client();
    alice.receive(ClientFrames.auth(token("alice", COUPLE), "phone", 0, 0));
    assertThat(alice.transport.ends).containsExactly("end MOVED ring 4");
    assertThat(alice.poll()).as("the gateway re-routes; the client hears nothing").isNull();
    assertThat(meters.get("presenter.chat.auth").tag("outcome", "moved").counter().count()).isEqualTo(1);
  }

  @Test
  void aCoupleOwnedElsewhereIsUnavailableToADirectClient() {
    ring = ringOf(4, "chat-b");
    Client alice = new Client();
    alice.transport.reroutes = false;
    alice.receive(ClientFrames.auth(token("alice", COUPLE), "phone", 0, 0));
    ClientFrame error = alice.next();
    assertFatal(error, ErrorCode.UNAVAILABLE);
    assertThat(error.getError().getRetryAfterMillis()).isEqualTo(1000);
    assertThat(alice.transport.ends).containsExactly("closeAfterError MOVED");
  }

  @Test
  void aCoupleThatCannotBeLoadedEndsTheSessionAsInternalError() {
    store.failLoads = true;
    Client alice = new Client();
    alice.receive(ClientFrames.auth(token("alice", COUPLE), "phone", 0, 0));
    ClientFrame error = alice.next();
    assertFatal(error, ErrorCode.INTERNAL);
    assertThat(error.getError().getRetryAfterMillis()).isEqualTo(1000);
    assertThat(alice.transport.ends).containsExactly("closeAfterError INTERNAL_ERROR");
  }

  @Test
  void aRingChangeThatMovesTheCoupleEndsItsSessionsAsMovedWithTheNewVersion() {
    Client alice = login("alice", "phone");
    Client bob = login("bob", "phone");
    ring = ringOf(2, "chat-b");
    ownership.ringChanged(ring);
    assertThat(alice.transport.ends).containsExactly("end MOVED ring 2");
    assertThat(bob.transport.ends).containsExactly("end MOVED ring 2");
  }

  @Test
  void losingTheZooKeeperSessionEndsSessionsAsMoved() {
    Client alice = login("alice", "phone");
    ownership.connectionChanged(ConnectionState.LOST);
    assertThat(alice.transport.ends).containsExactly("end MOVED ring 1");
  }

  @Test
  void aDrainingServerEndsSessionsAsDraining() {
    Client alice = login("alice", "phone");
    ownership.leave();
    assertThat(alice.transport.ends).containsExactly("end DRAINING ring 1");
  }

  @Test
  void aClientThatStopsReadingIsEndedAsASlowReader() {
    Client alice = login("alice", "phone");
    // Unflushed output the client has not taken: above the high-water mark and the session's limit.
    alice.channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(1024, 2048));
    alice.channel.write(Unpooled.wrappedBuffer(new byte[MAX_PENDING_OUTPUT_BYTES * 2]));
    assertThat(alice.channel.isWritable()).isFalse();

    Client bob = login("bob", "phone"); // alice is told bob came online, but she is not reading
    assertThat(alice.transport.ends).containsExactly("end SLOW_READER ring 0");
    assertThat(bob.next().getPresence().isOnline()).as("alice's session is gone").isFalse();
    assertThat(meters.get("presenter.chat.slow.readers.closed").counter().count()).isEqualTo(1);
  }

  @Test
  void aClosedSessionLeavesItsCoupleAndThePartnerHearsIt() {
    Client alice = login("alice", "phone");
    Client bob = login("bob", "phone");
    alice.next(ClientFrame::isSetPresence);
    bob.channel.close();
    alice.settle();
    ClientFrame offline = alice.next();
    assertThat(offline.getPresence().getUserId()).isEqualTo("bob");
    assertThat(offline.getPresence().isOnline()).isFalse();
    assertThat(meters.get("presenter.chat.sessions").gauge().value()).isEqualTo(1);
  }

  // ---- helpers ----

  /** One client connection: an EmbeddedChannel with the handler under test and a recording transport. */
  private final class Client {
    final EmbeddedChannel channel = new EmbeddedChannel();
    final RecordingTransport transport = new RecordingTransport();

    Client() {
      transport.channel = channel;
      channel.pipeline().addLast(new ChatSessionHandler(services, transport));
      channels.add(channel);
    }

    void receive(ClientFrame frame) {
      channel.writeInbound(frame);
      settle();
    }

    /** Runs what the handler queued on every client's event loop (completions hop there). */
    void settle() {
      channels.forEach(EmbeddedChannel::runPendingTasks);
    }

    ClientFrame poll() {
      settle();
      return channel.readOutbound();
    }

    ClientFrame next() {
      ClientFrame frame = poll();
      assertThat(frame).as("a frame for the client").isNotNull();
      return frame;
    }

    /** The next frame matching {@code match}, skipping others. */
    ClientFrame next(Predicate<ClientFrame> match) {
      for (ClientFrame frame = next(); ; frame = next()) {
        if (match.test(frame)) {
          return frame;
        }
      }
    }
  }

  private Client login(String user, String device) {
    Client client = new Client();
    client.receive(ClientFrames.auth(token(user, COUPLE), device, 0, 0));
    ClientFrame ok = client.next();
    assertThat(ok.isSetAuthOk()).as("AuthOk, got %s", ok).isTrue();
    return client;
  }

  private String token(String user, String couple) {
    Instant now = Instant.now();
    return signer.sign(new TokenClaims(user, couple, null, now, now.plus(Duration.ofHours(1))));
  }

  private static HashRing ringOf(long version, String member) {
    return HashRing.of(version, List.of(new Member(member, "127.0.0.1", 1, 0, 1)));
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static void assertFatal(ClientFrame frame, ErrorCode code) {
    assertThat(frame.isSetError()).as("ServerError, got %s", frame).isTrue();
    ServerError error = frame.getError();
    assertThat(error.getCode()).isEqualTo(code);
    assertThat(error.isFatal()).isTrue();
  }

  private static void assertNonFatal(ClientFrame frame, ErrorCode code) {
    assertThat(frame.isSetError()).as("ServerError, got %s", frame).isTrue();
    assertThat(frame.getError().getCode()).isEqualTo(code);
    assertThat(frame.getError().isFatal()).isFalse();
  }
}
