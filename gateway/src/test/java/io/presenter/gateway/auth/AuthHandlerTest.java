package io.presenter.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.presenter.gateway.config.GatewayConfig;
import io.presenter.gateway.limits.ConnectionLimits;
import io.presenter.gateway.limits.ConnectionTracker;
import io.presenter.gateway.metrics.CloseReason;
import io.presenter.gateway.metrics.GatewayMetrics;
import io.presenter.gateway.testing.FakeBackend;
import io.presenter.protocol.client.ClientFrames;
import io.presenter.protocol.client.thrift.ClientFrame;
import io.presenter.protocol.client.thrift.ErrorCode;
import io.presenter.protocol.mux.MuxFrame;
import io.presenter.protocol.mux.MuxStreamChannel;
import io.presenter.runtime.token.TokenClaims;
import io.presenter.runtime.token.TokenKeys;
import io.presenter.runtime.token.TokenSigner;
import io.presenter.runtime.token.TokenVerifier;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The auth step on an EmbeddedChannel, behind a real {@link ConnectionTracker} and in front of a
 * recorder standing in for the relay step; streams open on a {@link FakeBackend}.
 */
class AuthHandlerTest {
  private static final AuthSettings SETTINGS = new AuthSettings(8192, 1_000, 5_000);

  private final TokenKeys keys = TokenKeys.generate("k1");
  private final TokenSigner signer = new TokenSigner(keys);
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final GatewayMetrics metrics = new GatewayMetrics(registry);
  private final FakeBackend backend = new FakeBackend();
  private final List<Object> events = new ArrayList<>();
  private final List<ByteBuf> passedOn = new ArrayList<>();
  private final EmbeddedChannel client = new EmbeddedChannel();

  AuthHandlerTest() {
    ConnectionLimits limits = new ConnectionLimits(new GatewayConfig.Limits(10, 10, 10, 10, Duration.ofSeconds(5)), metrics);
    client.pipeline().addLast("tracker", new ConnectionTracker(limits, metrics, InetAddress.getLoopbackAddress()));
    client.pipeline().addLast("auth", new AuthHandler(SETTINGS, new TokenVerifier(keys), backend, metrics));
    client.pipeline().addLast("next", new ChannelInboundHandlerAdapter() {
      @Override
      public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        events.add(evt);
      }

      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        passedOn.add((ByteBuf) msg);
      }
    });
    client.freezeTime(); // the auth timer runs on the test's clock
    client.pipeline().fireUserEventTriggered(SslHandshakeCompletionEvent.SUCCESS);
  }

  @AfterEach
  void tearDown() {
    passedOn.forEach(ByteBuf::release);
    client.finishAndReleaseAll();
    backend.close();
  }

  private String token(String user, String couple, Duration validFor) {
    Instant now = Instant.now();
    return signer.sign(new TokenClaims(user, couple, null, now.minus(Duration.ofHours(3)), now.plus(validFor)));
  }

  private static ByteBuf encoded(ClientFrame frame) {
    return ClientFrames.encode(Unpooled.buffer().alloc(), frame);
  }

  private List<Authenticated> authenticated() {
    return events.stream().filter(Authenticated.class::isInstance).map(Authenticated.class::cast).toList();
  }

  private double totalCloses() {
    return registry.get("presenter.gateway.closes").counters().stream().mapToDouble(c -> c.count()).sum();
  }

  /** The one frame the client got, after which its connection closed. */
  private ClientFrame answerAndClose() {
    client.runPendingTasks();
    ClientFrame answer = FakeBackend.decodeFrame(client.readOutbound());
    assertThat((Object) client.readOutbound()).isNull();
    assertThat(client.isOpen()).isFalse();
    return answer;
  }

  @Test
  void aVerifiedClientGetsItsStreamFiresAuthenticatedAndTheAuthStepStepsAside() {
    ByteBuf auth = encoded(ClientFrames.auth(token("alice", "c1", Duration.ofHours(1)), "phone", 7, 0));
    byte[] raw = ByteBufUtil.getBytes(auth);
    ByteBuf early = encoded(ClientFrames.send("m1", 1, "early".getBytes(StandardCharsets.UTF_8)));
    byte[] earlyBytes = ByteBufUtil.getBytes(early);
    client.writeInbound(Unpooled.wrappedBuffer(auth, early)); // auth and the next frame in one read

    assertThat(authenticated()).hasSize(1);
    Authenticated done = authenticated().get(0);
    assertThat(done.spec().getUserId()).isEqualTo("alice");
    assertThat(done.spec().getCoupleId()).isEqualTo("c1");
    assertThat(done.spec().getDeviceId()).isEqualTo("phone");
    assertThat(done.spec().getAuthFrame()).isEqualTo(raw);
    assertThat(done.spec().getReopenCount()).isZero();
    assertThat(done.stream().isOpen()).isTrue();
    assertThat(done.stream().config().isAutoRead()).as("the stream is held for its new owner").isFalse();
    List<Object> frames = backend.frames();
    assertThat(frames).hasSize(1);
    assertThat(((MuxFrame.Open) frames.get(0)).spec().getAuthFrame()).isEqualTo(raw);

    assertThat(client.pipeline().get("auth")).as("the auth step removed itself").isNull();
    assertThat(passedOn).hasSize(1);
    assertThat(ByteBufUtil.getBytes(passedOn.get(0))).as("bytes after the auth frame, unchanged").isEqualTo(earlyBytes);
    assertThat(client.config().isAutoRead()).isTrue();
    assertThat(registry.get("presenter.gateway.auth").tag("outcome", "ok").counter().count()).isEqualTo(1);
    assertThat(metrics.pendingAuth().get()).isZero();
    assertThat(totalCloses()).isZero();
  }

  @Test
  void aClientThatLeavesWhileItsStreamOpensHasTheStreamClosedAndIsCountedOnce() {
    backend.holdingOpens(true);
    client.writeInbound(encoded(ClientFrames.auth(token("alice", "c1", Duration.ofHours(1)), "phone", 0, 0)));
    assertThat(backend.heldOpens()).isEqualTo(1);
    client.close(); // the client leaves; its stream is still opening on another event loop

    MuxStreamChannel stream = backend.completeHeldOpen();
    client.runPendingTasks();
    assertThat(stream.isOpen()).as("the stream of a client that left").isFalse();
    List<Object> frames = backend.frames();
    assertThat(frames).hasSize(2);
    assertThat(frames.get(0)).isInstanceOf(MuxFrame.Open.class);
    MuxFrame.Close close = (MuxFrame.Close) frames.get(1);
    assertThat(close.reason()).isEqualTo(io.presenter.protocol.mux.thrift.CloseReason.CLIENT_GONE);
    assertThat(authenticated()).isEmpty();
    assertThat(metrics.closedCount(CloseReason.CLIENT_CLOSED_BEFORE_AUTH)).isEqualTo(1);
    assertThat(totalCloses()).isEqualTo(1);
    assertThat(metrics.pendingAuth().get()).isZero();
  }

  @Test
  void noReachableChatServerIsUnavailable() {
    backend.failingOpens(true);
    client.writeInbound(encoded(ClientFrames.auth(token("alice", "c1", Duration.ofHours(1)), "phone", 0, 0)));
    ClientFrame answer = answerAndClose();
    assertThat(answer.getError().getCode()).isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(answer.getError().getRetryAfterMillis()).isEqualTo(1000);
    assertThat(metrics.closedCount(CloseReason.NO_BACKEND)).isEqualTo(1);
    assertThat(totalCloses()).isEqualTo(1);
  }

  @Test
  void aFirstFrameThatIsNotAuthIsRefused() {
    client.writeInbound(encoded(ClientFrames.send("m1", 1, new byte[] {1})));
    assertThat(answerAndClose().getError().getCode()).isEqualTo(ErrorCode.AUTH_REQUIRED);
    assertThat(metrics.closedCount(CloseReason.AUTH_FRAME_INVALID)).isEqualTo(1);
    assertThat(totalCloses()).isEqualTo(1);
  }

  @Test
  void aDeviceIdTooLongIsRefusedBeforeTheTokenIsLookedAt() {
    client.writeInbound(encoded(ClientFrames.auth("not-even-a-token", "d".repeat(65), 0, 0)));
    assertThat(answerAndClose().getError().getCode()).isEqualTo(ErrorCode.AUTH_INVALID);
    assertThat(metrics.closedCount(CloseReason.AUTH_FRAME_INVALID)).isEqualTo(1);
    assertThat(backend.frames()).isEmpty();
  }

  @Test
  void aBadTokenAndAnExpiredTokenAreToldApart() {
    client.writeInbound(encoded(ClientFrames.auth("not-a-jwt", "phone", 0, 0)));
    assertThat(answerAndClose().getError().getCode()).isEqualTo(ErrorCode.AUTH_INVALID);
    assertThat(metrics.closedCount(CloseReason.AUTH_TOKEN_INVALID)).isEqualTo(1);

    AuthHandlerTest other = new AuthHandlerTest();
    try {
      other.client.writeInbound(encoded(ClientFrames.auth(other.token("alice", "c1", Duration.ofHours(-1)), "phone", 0, 0)));
      assertThat(other.answerAndClose().getError().getCode()).isEqualTo(ErrorCode.AUTH_EXPIRED);
      assertThat(other.metrics.closedCount(CloseReason.AUTH_TOKEN_EXPIRED)).isEqualTo(1);
      assertThat(other.totalCloses()).isEqualTo(1);
    } finally {
      other.tearDown();
    }
  }

  @Test
  void anOversizedLengthWordIsRefusedBeforeItsBodyArrives() {
    client.writeInbound(Unpooled.buffer(4).writeInt(SETTINGS.maxFrameBytes()));
    assertThat(answerAndClose().getError().getCode()).isEqualTo(ErrorCode.FRAME_TOO_LARGE);
    assertThat(metrics.closedCount(CloseReason.AUTH_FRAME_TOO_LARGE)).isEqualTo(1);
  }

  @Test
  void aCompressedAuthFrameIsRefused() {
    client.writeInbound(Unpooled.buffer(4).writeInt(0x8000_0010));
    assertThat(answerAndClose().getError().getCode()).isEqualTo(ErrorCode.BAD_FRAME);
    assertThat(metrics.closedCount(CloseReason.AUTH_FRAME_INVALID)).isEqualTo(1);
  }

  @Test
  void noAuthFrameInTimeClosesWithoutAFrame() {
    client.writeInbound(Unpooled.buffer(2).writeShort(0)); // half a length word, then nothing
    client.advanceTimeBy(SETTINGS.timeoutMillis() - 1, TimeUnit.MILLISECONDS);
    client.runScheduledPendingTasks();
    assertThat(client.isOpen()).isTrue();
    client.advanceTimeBy(1, TimeUnit.MILLISECONDS);
    client.runScheduledPendingTasks();
    assertThat(client.isOpen()).isFalse();
    assertThat((Object) client.readOutbound()).isNull();
    assertThat(metrics.closedCount(CloseReason.AUTH_TIMEOUT)).isEqualTo(1);
    assertThat(totalCloses()).isEqualTo(1);
    assertThat(metrics.pendingAuth().get()).isZero();
  }

  @Test
  void aClientThatLeavesBeforeSendingAuthIsCountedOnceAndItsTimerStops() {
    client.close();
    client.advanceTimeBy(SETTINGS.timeoutMillis() * 2, TimeUnit.MILLISECONDS);
    client.runScheduledPendingTasks();
    assertThat(metrics.closedCount(CloseReason.CLIENT_CLOSED_BEFORE_AUTH)).isEqualTo(1);
    assertThat(totalCloses()).isEqualTo(1);
    assertThat(metrics.pendingAuth().get()).isZero();
  }
}
