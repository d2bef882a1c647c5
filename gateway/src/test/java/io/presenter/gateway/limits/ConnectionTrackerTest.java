package io.presenter.gateway.limits;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.presenter.gateway.config.GatewayConfig;
import io.presenter.gateway.metrics.CloseReason;
import io.presenter.gateway.metrics.GatewayMetrics;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/** The tracker alone on an EmbeddedChannel: admission, handshake accounting, one close reason per connection. */
class ConnectionTrackerTest {
  private static final InetAddress IP = InetAddress.getLoopbackAddress();

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final GatewayMetrics metrics = new GatewayMetrics(registry);

  private ConnectionLimits limits(int maxConnections, int perIp) {
    return new ConnectionLimits(new GatewayConfig.Limits(maxConnections, perIp, 100, 100, Duration.ofSeconds(5)), metrics);
  }

  private double totalCloses() {
    return registry.get("presenter.gateway.closes").counters().stream().mapToDouble(c -> c.count()).sum();
  }

  @Test
  void aRefusedConnectionIsClosedAtOnceAndCountedOnceWithItsReason() {
    ConnectionLimits limits = limits(10, 1);
    ConnectionTracker first = new ConnectionTracker(limits, metrics, IP);
    ConnectionTracker second = new ConnectionTracker(limits, metrics, IP);
    assertThat(first.admitted()).isTrue();
    assertThat(second.admitted()).isFalse();
    EmbeddedChannel refused = new EmbeddedChannel(second);
    assertThat(refused.isOpen()).isFalse();
    refused.runPendingTasks();
    assertThat(metrics.closedCount(CloseReason.TOO_MANY_FROM_IP)).isEqualTo(1);
    assertThat(totalCloses()).isEqualTo(1);
    assertThat(metrics.connections().get()).as("only the admitted one").isEqualTo(1);
    assertThat(metrics.handshaking().get()).isEqualTo(1);
    assertThat(new ConnectionTracker(limits, metrics, IP).admitted()).as("the refusal released its per-IP count").isFalse();
  }

  @Test
  void aDropDuringTheHandshakeIsAFailedHandshake() {
    EmbeddedChannel ch = new EmbeddedChannel(new ConnectionTracker(limits(10, 10), metrics, IP));
    assertThat(metrics.handshaking().get()).isEqualTo(1);
    ch.close();
    assertThat(metrics.closedCount(CloseReason.HANDSHAKE_FAILED)).isEqualTo(1);
    assertThat(totalCloses()).isEqualTo(1);
    assertThat(metrics.handshaking().get()).isZero();
    assertThat(metrics.connections().get()).isZero();
  }

  @Test
  void aHandshakeTimeoutIsCountedAsSuchAndOnlyOnce() {
    EmbeddedChannel ch = new EmbeddedChannel(new ConnectionTracker(limits(10, 10), metrics, IP));
    ch.pipeline().fireUserEventTriggered(new SslHandshakeCompletionEvent(new SslHandshakeTimeoutException("slow")));
    ch.close();
    assertThat(metrics.closedCount(CloseReason.HANDSHAKE_TIMEOUT)).isEqualTo(1);
    assertThat(totalCloses()).isEqualTo(1);
    assertThat(metrics.handshaking().get()).isZero();
  }

  @Test
  void aFailedHandshakeIsCountedOnceEvenWhenAnExceptionFollows() {
    EmbeddedChannel ch = new EmbeddedChannel(new ConnectionTracker(limits(10, 10), metrics, IP));
    ch.pipeline().fireUserEventTriggered(new SslHandshakeCompletionEvent(new SSLHandshakeException("bad hello")));
    ch.pipeline().fireExceptionCaught(new SSLHandshakeException("bad hello"));
    assertThat(ch.isOpen()).isFalse();
    assertThat(metrics.closedCount(CloseReason.HANDSHAKE_FAILED)).isEqualTo(1);
    assertThat(totalCloses()).isEqualTo(1);
  }

  @Test
  void aClientThatLeavesAfterTlsBeforeAuthIsCountedAsSuch() {
    EmbeddedChannel ch = new EmbeddedChannel(new ConnectionTracker(limits(10, 10), metrics, IP));
    ch.pipeline().fireUserEventTriggered(SslHandshakeCompletionEvent.SUCCESS);
    assertThat(registry.get("presenter.gateway.handshakes").tag("result", "full").counter().count()).isEqualTo(1);
    ch.pipeline().fireExceptionCaught(new IOException("Connection reset by peer"));
    assertThat(ch.isOpen()).isFalse();
    assertThat(metrics.closedCount(CloseReason.CLIENT_CLOSED_BEFORE_AUTH)).isEqualTo(1);
    assertThat(totalCloses()).isEqualTo(1);
    assertThat(metrics.connections().get()).isZero();
  }

  @Test
  void theFirstReasonRecordedCountsEvenOneRecordedByAHandlerBehindAsTheChannelGoesInactive() {
    EmbeddedChannel ch = new EmbeddedChannel(new ConnectionTracker(limits(10, 10), metrics, IP), new ChannelInboundHandlerAdapter() {
      @Override
      public void channelInactive(ChannelHandlerContext ctx) {
        CloseReason.CLIENT_CLOSED.setOn(ctx.channel());
        CloseReason.ERROR.setOn(ctx.channel()); // too late: the first one counts
      }
    });
    ch.pipeline().fireUserEventTriggered(SslHandshakeCompletionEvent.SUCCESS);
    ch.close();
    ch.close();
    assertThat(metrics.closedCount(CloseReason.CLIENT_CLOSED)).isEqualTo(1);
    assertThat(totalCloses()).isEqualTo(1);
  }

  @Test
  void anUnexpectedExceptionAfterTheHandshakeIsAnError() {
    EmbeddedChannel ch = new EmbeddedChannel(new ConnectionTracker(limits(10, 10), metrics, IP));
    ch.pipeline().fireUserEventTriggered(SslHandshakeCompletionEvent.SUCCESS);
    ch.pipeline().fireExceptionCaught(new IllegalStateException("bug"));
    assertThat(metrics.closedCount(CloseReason.ERROR)).isEqualTo(1);
    assertThat(totalCloses()).isEqualTo(1);
  }
}
