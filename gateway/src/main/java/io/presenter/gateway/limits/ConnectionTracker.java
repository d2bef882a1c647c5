package io.presenter.gateway.limits;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.presenter.gateway.metrics.CloseReason;
import io.presenter.gateway.metrics.GatewayMetrics;
import java.net.InetAddress;
import javax.net.ssl.SSLHandshakeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sits right after the SslHandler of every admitted client connection (it must, to see
 * {@link SslHandshakeCompletionEvent}): counts the TLS handshake (in progress,
 * duration, full or resumed, failures by reason) and releases the connection's admission when it
 * closes. Failures are logged at debug only: their rate is the attacker's to choose.
 */
public final class ConnectionTracker extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(ConnectionTracker.class);

  private final ConnectionLimits limits;
  private final GatewayMetrics metrics;
  private final InetAddress ip;
  private final long startNanos = System.nanoTime();
  private boolean handshaking = true;

  public ConnectionTracker(ConnectionLimits limits, GatewayMetrics metrics, InetAddress ip) {
    this.limits = limits;
    this.metrics = metrics;
    this.ip = ip;
    metrics.handshaking().incrementAndGet();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof SslHandshakeCompletionEvent done && handshaking) {
      endHandshake();
      if (done.isSuccess()) {
        metrics.handshakeDone(System.nanoTime() - startNanos, ResumptionProbe.resumed(ctx));
      } else {
        Throwable cause = done.cause();
        metrics.closed(cause instanceof SslHandshakeTimeoutException ? CloseReason.HANDSHAKE_TIMEOUT : CloseReason.HANDSHAKE_FAILED);
        log.debug("handshake with {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
      }
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (handshaking) {
      endHandshake();
      metrics.closed(CloseReason.HANDSHAKE_FAILED);
    }
    limits.closed(ip);
    log.debug("connection from {} closed after {} ms", ctx.channel().remoteAddress(), (System.nanoTime() - startNanos) / 1_000_000);
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // Garbage instead of TLS lands here (DecoderException from SslHandler) and in the
    // handshake event; either way the connection goes, quietly.
    if (!(cause instanceof SSLHandshakeException) && !(cause.getCause() instanceof javax.net.ssl.SSLException)) {
      log.debug("client {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
    }
    ctx.close();
  }

  private void endHandshake() {
    handshaking = false;
    metrics.handshaking().decrementAndGet();
  }
}
