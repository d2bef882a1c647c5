package io.presenter.gateway.auth;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.concurrent.ScheduledFuture;
import io.presenter.gateway.drain.DrainController;
import io.presenter.gateway.metrics.CloseReason;
import io.presenter.gateway.metrics.GatewayMetrics;
import io.presenter.gateway.relay.RelaySession;
import io.presenter.gateway.routing.Router;
import io.presenter.protocol.client.ClientFrames;
import io.presenter.protocol.client.thrift.Auth;
import io.presenter.protocol.client.thrift.ClientFrame;
import io.presenter.protocol.client.thrift.ErrorCode;
import io.presenter.protocol.mux.thrift.OpenStream;
import io.presenter.protocol.mux.thrift.TlsInfo;
import io.presenter.runtime.token.TokenException;
import io.presenter.runtime.token.TokenVerifier;
import io.presenter.runtime.token.VerifiedToken;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSession;

/**
 * The gateway's one look at client bytes: after the TLS handshake it waits (bounded in time and
 * size) for the first frame, which must be an uncompressed Auth frame; verifies its token; opens
 * a stream to the couple's chat server carrying the verified identity, the client's address, the
 * TLS facts and the raw frame; then installs the relay and removes itself. Bytes the client sent
 * after the auth frame go to the relay unchanged.
 *
 * <p>Rejections cost the client, not the gateway: every failed check of docs/PROTOCOL.md 3.7
 * gets one small fatal ServerError frame and a close, without reading further (an oversized
 * length word is refused before its body arrives); a timeout closes without a frame. Each is
 * counted by {@link CloseReason}. No exception reaches Netty's unhandled path.
 */
public final class AuthHandler extends ByteToMessageDecoder {
  private static final int LENGTH_WORD = 4;
  private static final int COMPRESSED_BIT = 0x8000_0000;
  private static final int MAX_DEVICE_ID_CHARS = 64;

  private final AuthSettings settings;
  private final TokenVerifier tokens;
  private final Router router;
  private final GatewayMetrics metrics;
  private final DrainController drain;
  private ScheduledFuture<?> timeout;
  private boolean done;
  private boolean countedPending;

  public AuthHandler(AuthSettings settings, TokenVerifier tokens, Router router, GatewayMetrics metrics, DrainController drain) {
    this.settings = settings;
    this.tokens = tokens;
    this.router = router;
    this.metrics = metrics;
    this.drain = drain;
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof SslHandshakeCompletionEvent handshake && handshake.isSuccess()) {
      metrics.pendingAuth().incrementAndGet();
      countedPending = true;
      timeout = ctx.executor().schedule(() -> reject(ctx, CloseReason.AUTH_TIMEOUT), settings.timeoutMillis(), TimeUnit.MILLISECONDS);
    }
    super.userEventTriggered(ctx, evt);
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (done) {
      return; // stream opening: later bytes wait in the cumulation and go to the relay
    }
    if (in.readableBytes() < LENGTH_WORD) {
      return;
    }
    int word = in.getInt(in.readerIndex());
    int length = word & ~COMPRESSED_BIT;
    if ((word & COMPRESSED_BIT) != 0 || length == 0) {
      refuse(ctx, ErrorCode.BAD_FRAME, "the auth frame must be uncompressed and not empty", CloseReason.AUTH_FRAME_INVALID);
      return;
    }
    if (length > settings.maxFrameBytes() - LENGTH_WORD) {
      refuse(ctx, ErrorCode.FRAME_TOO_LARGE, "the auth frame may have at most " + settings.maxFrameBytes() + " bytes",
          CloseReason.AUTH_FRAME_TOO_LARGE);
      return;
    }
    if (in.readableBytes() < LENGTH_WORD + length) {
      return;
    }
    byte[] raw = ByteBufUtil.getBytes(in, in.readerIndex(), LENGTH_WORD + length);
    ByteBuf body = in.slice(in.readerIndex() + LENGTH_WORD, length);
    in.skipBytes(LENGTH_WORD + length);
    ClientFrame frame = decode(body);
    if (frame == null) {
      refuse(ctx, ErrorCode.BAD_FRAME, "the first frame is not a client protocol frame", CloseReason.AUTH_FRAME_INVALID);
      return;
    }
    if (!frame.isSetAuth()) {
      refuse(ctx, ErrorCode.AUTH_REQUIRED, "the first frame must be Auth", CloseReason.AUTH_FRAME_INVALID);
      return;
    }
    Auth auth = frame.getAuth();
    String device = auth.getDeviceId();
    if (auth.getToken() == null || device == null || device.isEmpty() || device.length() > MAX_DEVICE_ID_CHARS) {
      refuse(ctx, ErrorCode.AUTH_INVALID, "token and a deviceId of 1.." + MAX_DEVICE_ID_CHARS + " characters are required",
          CloseReason.AUTH_FRAME_INVALID);
      return;
    }
    VerifiedToken token;
    try {
      token = tokens.verify(auth.getToken());
    } catch (TokenException e) {
      boolean expired = e.reason() == TokenException.Reason.EXPIRED;
      refuse(ctx, expired ? ErrorCode.AUTH_EXPIRED : ErrorCode.AUTH_INVALID, e.getMessage(),
          expired ? CloseReason.AUTH_TOKEN_EXPIRED : CloseReason.AUTH_TOKEN_INVALID);
      return;
    }
    done = true;
    cancelTimeout();
    ctx.channel().config().setAutoRead(false);
    OpenStream spec = openSpec(ctx, token, auth, raw);
    RelaySession session =
        new RelaySession(ctx.channel(), spec, router, metrics, settings.rerouteTimeoutMillis());
    session.start(ok -> {
      if (ok && ctx.channel().isActive()) {
        metrics.authOk();
        drain.register(session, ctx.channel());
        ctx.pipeline().addAfter(ctx.name(), "relay", session.clientHandler());
        ctx.pipeline().remove(this); // hands any bytes read after the auth frame to the relay
        ctx.channel().config().setAutoRead(true);
      }
    });
  }

  /** The decoded frame; null if the bytes are not one (an unknown kind decodes with no field set). */
  private static ClientFrame decode(ByteBuf body) {
    try {
      return ClientFrames.decodeBody(body);
    } catch (RuntimeException e) {
      return null;
    }
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
          .setResumed(io.presenter.gateway.limits.ResumptionProbe.resumed(ssl)));
    }
    return spec;
  }

  private void refuse(ChannelHandlerContext ctx, ErrorCode code, String message, CloseReason reason) {
    done = true;
    cancelTimeout();
    metrics.closed(reason);
    ctx.channel().config().setAutoRead(false);
    ctx.writeAndFlush(ClientFrames.encode(ctx.alloc(), ClientFrames.error(code, message, true, null)))
        .addListener(ChannelFutureListener.CLOSE);
  }

  private void reject(ChannelHandlerContext ctx, CloseReason reason) {
    if (done && reason == CloseReason.AUTH_TIMEOUT) {
      return;
    }
    done = true;
    cancelTimeout();
    metrics.closed(reason);
    ctx.channel().config().setAutoRead(false);
    ctx.close();
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
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    reject(ctx, CloseReason.ERROR);
  }
}
