package io.presenter.client;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleStateEvent;
import io.presenter.protocol.client.ClientFrameError;
import io.presenter.protocol.client.thrift.ClientFrame;
import io.presenter.protocol.tls.TlsContexts;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The last handler of one client connection: hands frames and the connection's end to {@link
 * ClientCore}, and keeps the connection alive. On a writer-idle event (nothing written for the
 * keepalive interval) it sends a Ping; when the next writer-idle event finds that nothing at all
 * arrived since that Ping, or the session is still not authenticated, it closes the connection,
 * which makes the client reconnect. It times the TLS handshake from channelActive and reports it
 * (and whether the session was resumed) to the core. Decoder errors (a server frame that does not decode) and
 * exceptions close the connection too; nothing reaches Netty's unhandled-exception path. Frames
 * hold no buffers, so there is nothing to release.
 */
final class ClientChannelHandler extends ChannelInboundHandlerAdapter {
  /**
   * Closes the connection when a write failed (a reset by the peer, most often), recording why
   * unless a reason was recorded already (a GoAway the client was acting on, for instance).
   */
  static final ChannelFutureListener CLOSE_ON_WRITE_FAILURE = f -> {
    if (!f.isSuccess()) {
      ClientChannelHandler h = f.channel().pipeline().get(ClientChannelHandler.class);
      if (h != null && h.closeReason == null) {
        h.closeReason = "write failed: " + f.cause();
      }
      f.channel().close();
    }
  };

  private final ClientCore core;
  private boolean readSincePing = true;
  /** Why this side closed the connection; null while it did not (then the peer closed it). */
  private String closeReason;
  private long activeNanos;

  ClientChannelHandler(ClientCore core) {
    this.core = core;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    activeNanos = System.nanoTime();
    core.onActive(ctx.channel());
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    readSincePing = true;
    if (msg instanceof ClientFrame frame) {
      core.onFrame(ctx.channel(), frame);
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent) {
      if (!core.isActive(ctx.channel())) {
        close(ctx, "no AuthOk within the keepalive interval");
      } else if (!readSincePing) {
        close(ctx, "keepalive: no answer to ping");
      } else {
        readSincePing = false;
        core.ping(ctx.channel(), ThreadLocalRandom.current().nextLong());
      }
    } else if (evt instanceof ClientFrameError error) {
      close(ctx, "undecodable frame from server: " + error.message());
    } else if (evt instanceof SslHandshakeCompletionEvent hs) {
      if (hs.isSuccess()) {
        core.onHandshake(ctx.channel(), System.nanoTime() - activeNanos, TlsContexts.resumed(ctx.pipeline().get(SslHandler.class)));
      } else {
        close(ctx, "TLS handshake failed: " + hs.cause());
      }
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    close(ctx, "connection error: " + cause);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    core.onClosed(ctx.channel(), closeReason == null ? "connection closed" : closeReason);
  }

  void close(ChannelHandlerContext ctx, String reason) {
    closeReason = reason;
    ctx.close();
  }

  /** Records why the client itself is closing this connection (GoAway, fatal error, close()). */
  void reason(String reason) {
    closeReason = reason;
  }
}
