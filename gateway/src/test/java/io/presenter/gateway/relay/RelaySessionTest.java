package io.presenter.gateway.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.presenter.gateway.auth.AuthHandler;
import io.presenter.gateway.auth.AuthSettings;
import io.presenter.gateway.auth.Authenticated;
import io.presenter.gateway.config.GatewayConfig;
import io.presenter.gateway.limits.ConnectionLimits;
import io.presenter.gateway.limits.ConnectionTracker;
import io.presenter.gateway.metrics.CloseReason;
import io.presenter.gateway.metrics.GatewayMetrics;
import io.presenter.gateway.testing.FakeBackend;
import io.presenter.protocol.client.ClientFrames;
import io.presenter.protocol.client.thrift.ClientFrame;
import io.presenter.protocol.client.thrift.GoAwayReason;
import io.presenter.protocol.mux.MuxFrame;
import io.presenter.runtime.token.TokenClaims;
import io.presenter.runtime.token.TokenKeys;
import io.presenter.runtime.token.TokenSigner;
import io.presenter.runtime.token.TokenVerifier;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The relay on an EmbeddedChannel, set up as the gateway's pipeline does it (tracker, auth step,
 * then a relay step that becomes the session on {@link Authenticated}), against a {@link
 * FakeBackend} whose frames are objects.
 */
class RelaySessionTest {
  private static final long REROUTE_TIMEOUT_MILLIS = 5_000;
  private static final io.presenter.protocol.mux.thrift.CloseReason CLIENT_GONE = io.presenter.protocol.mux.thrift.CloseReason.CLIENT_GONE;

  private final TokenKeys keys = TokenKeys.generate("k1");
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final GatewayMetrics metrics = new GatewayMetrics(registry);
  private final FakeBackend backend = new FakeBackend();
  private final EmbeddedChannel client = new EmbeddedChannel();
  private RelaySession session;

  RelaySessionTest() {
    client.freezeTime();
    ConnectionLimits limits = new ConnectionLimits(new GatewayConfig.Limits(10, 10, 10, 10, Duration.ofSeconds(5)), metrics);
    client.pipeline().addLast("tracker", new ConnectionTracker(limits, metrics, InetAddress.getLoopbackAddress()));
    client.pipeline().addLast("auth", new AuthHandler(new AuthSettings(8192, 10_000, REROUTE_TIMEOUT_MILLIS), new TokenVerifier(keys), backend, metrics));
    client.pipeline().addLast("relay", new ChannelInboundHandlerAdapter() {
      @Override
      public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (!(evt instanceof Authenticated authenticated)) {
          return;
        }
        session = new RelaySession(ctx.channel(), authenticated, backend, metrics, REROUTE_TIMEOUT_MILLIS);
        ctx.pipeline().replace(this, "relay", session.clientHandler());
        session.start();
      }
    });
    client.pipeline().fireUserEventTriggered(SslHandshakeCompletionEvent.SUCCESS);
  }

  @AfterEach
  void tearDown() {
    client.finishAndReleaseAll();
    backend.close();
  }

  /** Authenticates, the server answers AuthOk; returns the stream id. */
  private int relaying() {
    Instant now = Instant.now();
    String token = new TokenSigner(keys).sign(new TokenClaims("alice", "c1", null, now, now.plus(Duration.ofHours(1))));
    client.writeInbound(ClientFrames.encode(ByteBufAllocator.DEFAULT, ClientFrames.auth(token, "phone", 0, 0)));
    assertThat(session).as("relay installed").isNotNull();
    assertThat(client.pipeline().names()).containsSubsequence("tracker", "relay").doesNotContain("auth");
    int stream = ((MuxFrame.Open) backend.frames().get(0)).streamId();
    backend.send(stream, ClientFrames.authOk("alice", "c1", 0, 0));
    assertThat(nextToClient().isSetAuthOk()).isTrue();
    return stream;
  }

  private ClientFrame nextToClient() {
    client.runPendingTasks();
    ByteBuf buf;
    while ((buf = client.readOutbound()) != null && !buf.isReadable()) {
      buf.release(); // the empty write before a lingering close
    }
    assertThat(buf).as("a frame to the client").isNotNull();
    return FakeBackend.decodeFrame(buf);
  }

  private void advance(long millis) {
    client.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
    client.runScheduledPendingTasks();
    client.runPendingTasks();
  }

  private double totalCloses() {
    return registry.get("presenter.gateway.closes").counters().stream().mapToDouble(c -> c.count()).sum();
  }

  @Test
  void bytesGoThroughUnchangedBothWays() {
    int stream = relaying();
    ByteBuf send = ClientFrames.encode(ByteBufAllocator.DEFAULT, ClientFrames.send("m1", 1, "hi".getBytes(StandardCharsets.UTF_8)));
    byte[] sent = ByteBufUtil.getBytes(send);
    client.writeInbound(send);
    List<Object> frames = backend.frames();
    assertThat(frames).hasSize(1);
    assertThat(((FakeBackend.Data) frames.get(0)).payload()).isEqualTo(sent);
    assertThat(((FakeBackend.Data) frames.get(0)).streamId()).isEqualTo(stream);
    assertThat(totalCloses()).isZero();
  }

  @Test
  void theClientLeavingClosesTheStreamAndCountsClientClosedOnce() {
    int stream = relaying();
    client.close();
    List<Object> frames = backend.frames();
    assertThat(frames).containsExactly(new MuxFrame.Close(stream, CLIENT_GONE, 0, null));
    assertThat(metrics.closedCount(CloseReason.CLIENT_CLOSED)).isEqualTo(1);
    assertThat(totalCloses()).isEqualTo(1);
  }

  @Test
  void theServerEndingTheSessionClosesTheClientAfterALingerAndCountsServerClosedOnce() {
    int stream = relaying();
    backend.close(stream, io.presenter.protocol.mux.thrift.CloseReason.NORMAL, 0);
    assertThat(client.isOpen()).as("lingering for the client to close first").isTrue();
    advance(2_000);
    assertThat(client.isOpen()).isFalse();
    assertThat(backend.frames()).as("nothing more to the closed stream").isEmpty();
    assertThat(metrics.closedCount(CloseReason.SERVER_CLOSED)).isEqualTo(1);
    assertThat(totalCloses()).isEqualTo(1);
  }

  @Test
  void aMovedSessionFollowsTheCoupleOnceTheRingIsNewEnoughAndTheClientStays() {
    int first = relaying();
    backend.close(first, io.presenter.protocol.mux.thrift.CloseReason.MOVED, 5);
    advance(1_000);
    advance(1_000);
    assertThat(backend.frames()).as("no open before the ring has version 5").isEmpty();
    backend.ringVersion(5);
    advance(1_000);
    List<Object> frames = backend.frames();
    assertThat(frames).hasSize(1);
    MuxFrame.Open reopen = (MuxFrame.Open) frames.get(0);
    assertThat(reopen.spec().getReopenCount()).as("the client already had an answer").isEqualTo(1);
    assertThat(reopen.spec().getRingVersion()).isEqualTo(5);
    assertThat(client.isOpen()).isTrue();
    assertThat(registry.get("presenter.gateway.reroutes").tag("result", "ok").counter().count()).isEqualTo(1);

    backend.send(reopen.streamId(), ClientFrames.authOk("alice", "c1", 0, 0));
    assertThat(nextToClient().isSetAuthOk()).isTrue();
    assertThat(totalCloses()).isZero();
  }

  @Test
  void whenNoChatServerTakesTheSessionInTimeTheClientIsToldToMoveAndCountedOnce() {
    int stream = relaying();
    backend.failingOpens(true);
    backend.close(stream, io.presenter.protocol.mux.thrift.CloseReason.DRAINING, 0);
    advance(REROUTE_TIMEOUT_MILLIS - 1);
    assertThat(client.isActive()).as("still trying within the re-route timeout").isTrue();
    assertThat((Object) client.readOutbound()).isNull();
    advance(1);
    ClientFrame goAway = nextToClient();
    assertThat(goAway.getGoAway().getReason()).isEqualTo(GoAwayReason.MOVED);
    advance(2_000);
    assertThat(client.isOpen()).isFalse();
    assertThat(metrics.closedCount(CloseReason.REROUTE_FAILED)).isEqualTo(1);
    assertThat(registry.get("presenter.gateway.reroutes").tag("result", "failed").counter().count()).isEqualTo(1);
    assertThat(totalCloses()).isEqualTo(1);
  }

  @Test
  void aDrainGoAwayClosesBothSidesAndCountsDrainingOnceEvenWhenTheClientThenCloses() {
    int stream = relaying();
    session.goAway(1_000);
    ClientFrame goAway = nextToClient();
    assertThat(goAway.getGoAway().getReason()).isEqualTo(GoAwayReason.DRAINING);
    assertThat(goAway.getGoAway().getRetryAfterMillis()).isEqualTo(1_000);
    assertThat(backend.frames()).containsExactly(new MuxFrame.Close(stream, CLIENT_GONE, 0, "gateway draining"));
    client.close(); // as a client does on GoAway
    assertThat(metrics.closedCount(CloseReason.DRAINING)).isEqualTo(1);
    assertThat(totalCloses()).isEqualTo(1);
  }
}
