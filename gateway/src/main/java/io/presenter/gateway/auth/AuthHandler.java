package io.presenter.gateway.auth;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import io.presenter.gateway.limits.ResumptionProbe;
import io.presenter.gateway.metrics.CloseReason;
import io.presenter.gateway.metrics.GatewayMetrics;
import io.presenter.gateway.routing.Routes;
import io.presenter.protocol.client.AuthFrameCheck;
import io.presenter.protocol.client.ClientFrameError;
import io.presenter.protocol.client.ClientFrameHeader;
import io.presenter.protocol.client.ClientFrames;
import io.presenter.protocol.client.thrift.Auth;
import io.presenter.protocol.client.thrift.ClientFrame;
import io.presenter.protocol.client.thrift.ErrorCode;
import io.presenter.protocol.mux.MuxStreamChannel;
import io.presenter.protocol.mux.thrift.OpenStream;
import io.presenter.protocol.mux.thrift.TlsInfo;
import io.presenter.runtime.token.AuthTokenCheck;
import io.presenter.runtime.token.TokenVerifier;
import io.presenter.runtime.token.VerifiedToken;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSession;

/**
 * The gateway's one look at client bytes, a one-shot step: after the TLS handshake it waits
 * (bounded in time and size) for the first frame, which must be an uncompressed Auth frame
 * ({@link AuthFrameCheck}); verifies its token; opens a stream to the couple's chat server
 * carrying the verified identity, the client's address, the TLS facts and the raw frame; then
 * fires {@link Authenticated} (whoever handles it owns the stream and the relaying) and removes
 * itself. Bytes the client sent after the auth frame are passed on, unchanged, by that removal.
 *
 * <p>Rejections cost the client, not the gateway: every failed check of docs/PROTOCOL.md 3.7
 * gets one small fatal ServerError frame and a close, without reading further (an oversized
 * length word is refused before its body arrives); a timeout closes without a frame. Each records
 * its {@link CloseReason} on the channel. No exception reaches Netty's unhandled path.
 *
 * <p>The client stops being read while its stream opens (possibly on another event loop). If the
 * client is gone when the open completes, the stream is closed at once, so the chat server keeps
 * no session for it.
 */
public final class AuthHandler extends ByteToMessageDecoder {
  private final AuthSettings settings;
  private final TokenVerifier tokens;
  private final Routes routes;
  private final GatewayMetrics metrics;
  private ScheduledFuture<?> timeout;
  private boolean done;
  private boolean countedPending;

  public AuthHandler(AuthSettings settings, TokenVerifier tokens, Routes routes, GatewayMetrics metrics) {
    this.settings = settings;
    this.tokens = tokens;
    this.routes = routes;
    this.metrics = metrics;
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof SslHandshakeCompletionEvent handshake && handshake.isSuccess() && !done) {
      metrics.pendingAuth().incrementAndGet();
      countedPending = true;
      timeout = ctx.executor().schedule(() -> timedOut(ctx), settings.timeoutMillis(), TimeUnit.MILLISECONDS);
    }
    super.userEventTriggered(ctx, evt);
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (done || !ClientFrameHeader.isReadable(in)) {
      return; // once done, later bytes wait in the cumulation for whoever comes next
    }
    int word = ClientFrameHeader.peek(in);
    int length = ClientFrameHeader.bodyLength(word);
    if (ClientFrameHeader.isCompressed(word) || length == 0) {
      refuse(ctx, ErrorCode.BAD_FRAME, "the auth frame must be uncompressed and not empty", CloseReason.AUTH_FRAME_INVALID);
      return;
    }
    if (length > settings.maxFrameBytes() - ClientFrameHeader.BYTES) {
      refuse(ctx, ErrorCode.FRAME_TOO_LARGE, "the auth frame may have at most " + settings.maxFrameBytes() + " bytes",
          CloseReason.AUTH_FRAME_TOO_LARGE);
      return;
    }
    if (in.readableBytes() < ClientFrameHeader.BYTES + length) {
      return;
    }
    byte[] raw = ByteBufUtil.getBytes(in, in.readerIndex(), ClientFrameHeader.BYTES + length);
    ByteBuf body = in.slice(in.readerIndex() + ClientFrameHeader.BYTES, length);
    in.skipBytes(ClientFrameHeader.BYTES + length);
    ClientFrame frame = decode(body);
    if (frame == null) {
      refuse(ctx, ErrorCode.BAD_FRAME, "the first frame is not a client protocol frame", CloseReason.AUTH_FRAME_INVALID);
      return;
    }
    ClientFrameError invalid = AuthFrameCheck.check(frame);
    if (invalid != null) {
      refuse(ctx, invalid.code(), invalid.message(), CloseReason.AUTH_FRAME_INVALID);
      return;
    }
    Auth auth = frame.getAuth();
    AuthTokenCheck.Outcome checked = AuthTokenCheck.check(auth, tokens);
    if (!checked.accepted()) {
      boolean expired = checked.error() == ErrorCode.AUTH_EXPIRED;
      refuse(ctx, checked.error(), checked.message(), expired ? CloseReason.AUTH_TOKEN_EXPIRED : CloseReason.AUTH_TOKEN_INVALID);
      return;
    }
    VerifiedToken token = checked.token();
    finish(ctx);
    OpenStream spec = openSpec(ctx, token, auth, raw).setReopenCount(0);
    routes.open(spec, ctx.channel().eventLoop(), StreamHold.INSTANCE)
        .addListener((Future<MuxStreamChannel> f) -> onClientLoop(ctx.channel(), f, () -> opened(ctx, spec, f)));
  }

  /** The decoded frame; null if the bytes are not one (an unknown kind decodes with no field set). */
  private static ClientFrame decode(ByteBuf body) {
    try {
      return ClientFrames.decodeBody(body);
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** Open futures complete on the backend connection's loop; this handler lives on the client's. */
  private static void onClientLoop(Channel client, Future<MuxStreamChannel> f, Runnable task) {
    if (client.eventLoop().inEventLoop()) {
      task.run();
      return;
    }
    try {
      client.eventLoop().execute(task);
    } catch (RejectedExecutionException e) {
      // The gateway is stopping and the client's loop is gone, with the client.
      if (f.isSuccess()) {
        f.getNow().close(io.presenter.protocol.mux.thrift.CloseReason.CLIENT_GONE, 0, null);
      }
    }
  }

  private void opened(ChannelHandlerContext ctx, OpenStream spec, Future<MuxStreamChannel> f) {
    if (!ctx.channel().isActive()) {
      // The client left while its stream opened: the chat server must not keep its session.
      if (f.isSuccess()) {
        f.getNow().close(io.presenter.protocol.mux.thrift.CloseReason.CLIENT_GONE, 0, "client gone before relaying");
      }
      return;
    }
    if (!f.isSuccess()) {
      CloseReason.NO_BACKEND.setOn(ctx.channel());
      ctx.writeAndFlush(ClientFrames.encode(ctx.alloc(),
              ClientFrames.error(ErrorCode.UNAVAILABLE, "no chat server available", true, 1000)))
          .addListener(ChannelFutureListener.CLOSE);
      return;
    }
    metrics.authOk();
    ctx.fireUserEventTriggered(new Authenticated(f.getNow(), spec));
    ctx.pipeline().remove(this); // hands any bytes read after the auth frame to the next handler
    ctx.channel().config().setAutoRead(true);
  }

  private OpenStream openSpec(ChannelHandlerContext ctx, VerifiedToken token, Auth auth, byte[] raw) {
    OpenStream spec =
        new OpenStream()
            .setUserId(token.userId())
            .setCoupleId(token.coupleId())
            .setDeviceId(auth.getDeviceId())
            .setAuthFrame(raw);
    if (ctx.channel().remoteAddress() instanceof InetSocketAddress remote) {
      spec.setClientAddress(remote.getAddress().getHostAddress()).setClientPort(remote.getPort());
    }
    SslHandler ssl = ctx.pipeline().get(SslHandler.class);
    if (ssl != null) {
      SSLSession session = ssl.engine().getSession();
      spec.setTls(new TlsInfo().setProtocol(session.getProtocol()).setCipherSuite(session.getCipherSuite())
          .setResumed(ResumptionProbe.resumed(ssl)));
    }
    return spec;
  }

  private void refuse(ChannelHandlerContext ctx, ErrorCode code, String message, CloseReason reason) {
    finish(ctx);
    reason.setOn(ctx.channel());
    ctx.writeAndFlush(ClientFrames.encode(ctx.alloc(), ClientFrames.error(code, message, true, null)))
        .addListener(ChannelFutureListener.CLOSE);
  }

  private void timedOut(ChannelHandlerContext ctx) {
    if (!done) {
      finish(ctx);
      CloseReason.AUTH_TIMEOUT.setOn(ctx.channel());
      ctx.close();
    }
  }

  /** Reads no more; the auth frame arrived, or the connection is being refused. */
  private void finish(ChannelHandlerContext ctx) {
    done = true;
    cancelTimeout();
    ctx.channel().config().setAutoRead(false);
  }

  private void cancelTimeout() {
    if (timeout != null) {
      timeout.cancel(false);
      timeout = null;
    }
    if (countedPending) {
      countedPending = false;
      metrics.pendingAuth().decrementAndGet();
    }
  }

  @Override
  protected void handlerRemoved0(ChannelHandlerContext ctx) {
    cancelTimeout();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    done = true; // nothing left to decide: the tracker counts the drop
    cancelTimeout();
    super.channelInactive(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    finish(ctx);
    CloseReason.ERROR.setOn(ctx.channel());
    ctx.close();
  }
}
