package io.presenter.loadtest.bench;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Promise;
import io.presenter.protocol.client.thrift.ClientFrame;
import io.presenter.protocol.tls.TlsContexts;
import java.nio.ByteBuffer;
import org.HdrHistogram.Histogram;

/**
 * One simulated client: after the TLS handshake it sends its Auth frame, completes
 * {@link #authenticated()} on AuthOk, and from then on records the latency of every relayed
 * {@code Message} whose body starts with the intended send time (see {@link RelayPhase}).
 * Anything unexpected (a ServerError, a failed handshake, a close we did not ask for) is counted
 * in {@link BenchStats} and fails the promise if auth has not finished.
 */
final class BenchConn extends ChannelInboundHandlerAdapter {
  private final ClientFrame auth;
  private final BenchStats stats;
  private final Histogram handshakes;
  private final Histogram connectToAuthOk;
  private final long startNanos;
  private final Promise<BenchConn> authenticated;
  private volatile Channel channel;
  private volatile boolean closing;
  private volatile boolean resumed;
  private long activeNanos;

  BenchConn(ClientFrame auth, BenchStats stats, Histogram handshakes, Histogram connectToAuthOk, Promise<BenchConn> promise) {
    this.auth = auth;
    this.stats = stats;
    this.handshakes = handshakes;
    this.connectToAuthOk = connectToAuthOk;
    this.startNanos = System.nanoTime();
    this.authenticated = promise;
  }

  /** Completes on AuthOk; fails on any error before it. */
  Promise<BenchConn> authenticated() {
    return authenticated;
  }

  /** Whether the TLS handshake resumed a cached session. */
  boolean resumed() {
    return resumed;
  }

  Channel channel() {
    return channel;
  }

  /** Closes on purpose (not counted as unexpected). */
  void close() {
    closing = true;
    Channel ch = channel;
    if (ch != null) {
      ch.close();
    }
  }

  void send(ClientFrame frame) {
    channel.writeAndFlush(frame, channel.voidPromise());
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    channel = ctx.channel();
    activeNanos = System.nanoTime();
    ctx.fireChannelActive();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof SslHandshakeCompletionEvent done) {
      if (done.isSuccess()) {
        BenchStats.record(handshakes, System.nanoTime() - activeNanos);
        resumed = TlsContexts.resumed(ctx.pipeline().get(SslHandler.class));
        ctx.writeAndFlush(auth, ctx.voidPromise());
      } else {
        fail(ctx, done.cause());
      }
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ClientFrame frame)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (frame.isSetAuthOk()) {
      BenchStats.record(connectToAuthOk, System.nanoTime() - startNanos);
      authenticated.trySuccess(this);
    } else if (frame.isSetMessage()) {
      ByteBuffer body = frame.getMessage().bufferForBody();
      if (body != null && body.remaining() >= Long.BYTES) {
        stats.relayed(body.getLong(body.position()), System.nanoTime());
      }
    } else if (frame.isSetAck()) {
      stats.acks.increment();
    } else if (frame.isSetError() || frame.isSetGoAway()) {
      fail(ctx, new IllegalStateException("server sent " + frame));
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (!closing) {
      stats.unexpectedCloses.increment();
      authenticated.tryFailure(new IllegalStateException("closed by the server"));
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    fail(ctx, cause);
  }

  private void fail(ChannelHandlerContext ctx, Throwable cause) {
    stats.error(cause);
    authenticated.tryFailure(cause);
    closing = true;
    ctx.close();
  }
}
