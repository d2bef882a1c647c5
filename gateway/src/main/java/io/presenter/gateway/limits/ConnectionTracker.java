package io.presenter.gateway.limits;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.presenter.gateway.metrics.CloseReason;
import io.presenter.gateway.metrics.GatewayMetrics;
import java.io.IOException;
import java.net.InetAddress;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The accounting of one client connection, from admission to close. Created by the pipeline
 * initializer, which asks the limits for admission through it ({@link #admitted()}); a refused
 * connection gets only this handler, which records the refusal and closes it. An admitted one has
 * it right after the SslHandler (it must be there to see {@link SslHandshakeCompletionEvent}): it
 * counts the TLS handshake (in progress, duration, full or resumed, failure reasons) and releases
 * the admission when the connection closes.
 *
 * <p>It counts the connection's {@link CloseReason} exactly once, when the channel goes inactive
 * and after the handlers behind it have seen that: the reason recorded on the channel, else
 * {@link CloseReason#HANDSHAKE_FAILED} during the handshake and {@link
 * CloseReason#CLIENT_CLOSED_BEFORE_AUTH} after it. Failures are logged at debug only: their rate
 * is the attacker's to choose.
 */
public final class ConnectionTracker extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(ConnectionTracker.class);

  private final ConnectionLimits limits;
  private final GatewayMetrics metrics;
  private final InetAddress ip;
  private final CloseReason refused;
  private final long startNanos = System.nanoTime();
  private boolean handshaking;
  private boolean counted;

  /** Asks {@code limits} to admit a connection from {@code ip}; see {@link #admitted()}. */
  public ConnectionTracker(ConnectionLimits limits, GatewayMetrics metrics, InetAddress ip) {
    this.limits = limits;
    this.metrics = metrics;
    this.ip = ip;
    this.refused = limits.admit(ip);
    if (refused == null) {
      handshaking = true;
      metrics.handshaking().incrementAndGet();
    }
  }

  /** False if the limits refused the connection: this handler then closes it when added. */
  public boolean admitted() {
    return refused == null;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    if (refused != null) {
      refused.setOn(ctx.channel());
      ctx.close();
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof SslHandshakeCompletionEvent done && handshaking) {
      endHandshake();
      if (done.isSuccess()) {
        metrics.handshakeDone(System.nanoTime() - startNanos, ResumptionProbe.resumed(ctx));
      } else {
        Throwable cause = done.cause();
        (cause instanceof SslHandshakeTimeoutException ? CloseReason.HANDSHAKE_TIMEOUT : CloseReason.HANDSHAKE_FAILED)
            .setOn(ctx.channel());
        log.debug("handshake with {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
      }
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    boolean duringHandshake = handshaking;
    if (handshaking) {
      endHandshake();
    }
    ctx.fireChannelInactive(); // the handlers behind may still record why they closed
    if (!counted) {
      counted = true;
      CloseReason reason = CloseReason.of(ctx.channel());
      if (reason == null) {
        reason = duringHandshake ? CloseReason.HANDSHAKE_FAILED : CloseReason.CLIENT_CLOSED_BEFORE_AUTH;
      }
      metrics.closed(reason);
    }
    if (refused == null) {
      limits.closed(ip);
    }
    log.debug("connection from {} closed after {} ms", ctx.channel().remoteAddress(), (System.nanoTime() - startNanos) / 1_000_000);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // Garbage instead of TLS lands here (DecoderException from SslHandler) and in the handshake
    // event; a broken socket is the client going away. Either way the connection goes, quietly.
    boolean tls = cause instanceof SSLException || cause.getCause() instanceof SSLException;
    if (!handshaking && !tls && !(cause instanceof IOException)) {
      CloseReason.ERROR.setOn(ctx.channel());
      log.debug("client {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
    }
    ctx.close();
  }

  private void endHandshake() {
    handshaking = false;
    metrics.handshaking().decrementAndGet();
  }
}
