package io.presenter.chat.session;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.presenter.chat.couple.Couple;
import io.presenter.protocol.client.ClientFrameCodec;
import io.presenter.protocol.client.ClientFrameError;
import io.presenter.protocol.client.ClientFrames;
import io.presenter.protocol.client.thrift.Auth;
import io.presenter.protocol.client.thrift.ClientFrame;
import io.presenter.protocol.client.thrift.ErrorCode;
import io.presenter.protocol.client.thrift.clientConstants;
import io.presenter.protocol.mux.MuxStreamChannel;
import io.presenter.protocol.mux.thrift.CloseReason;
import io.presenter.protocol.mux.thrift.OpenStream;
import io.presenter.runtime.token.TokenException;
import io.presenter.runtime.token.VerifiedToken;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client session, on a mux stream from a gateway or on a direct TLS connection: consumes
 * decoded {@link ClientFrame}s (after {@code ClientFrameDecoder}) and writes {@link ClientFrame}s
 * (encoded by {@code ClientFrameEncoder}).
 *
 * <p>States: AWAIT_AUTH (only Auth is accepted) -> AUTHENTICATING (the couple is loaded; frames
 * that arrive meanwhile wait, at most {@value #MAX_EARLY_FRAMES}) -> ACTIVE. The token is verified
 * here even behind a gateway (defence in depth), and on a stream the token's couple must be the
 * one the gateway routed. A couple this server does not own is refused: a stream is closed as
 * MOVED with the ring version, a direct client gets UNAVAILABLE.
 *
 * <p>Back-pressure: the handler stops reading while its channel is not writable or while
 * {@code maxInFlightSends} sends await commit. Fatal errors send a ServerError with fatal=true
 * and close; nothing is thrown to Netty.
 */
public final class ChatSessionHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(ChatSessionHandler.class);
  private static final int MAX_EARLY_FRAMES = 64;
  private static final int MAX_DEVICE_ID_CHARS = 64;
  private static final int MAX_JOIN_ATTEMPTS = 3;

  private enum State { AWAIT_AUTH, AUTHENTICATING, ACTIVE, CLOSED }

  private final ChatServices services;
  private State state = State.AWAIT_AUTH;
  private ArrayDeque<ClientFrame> early;
  private ChannelHandlerContext ctx;
  private VerifiedToken token;
  private Auth auth;
  private Couple couple;
  private ChatSession session;
  private int inFlightSends;
  private int joinAttempts;
  private SessionRequests requests;

  public ChatSessionHandler(ChatServices services) {
    this.services = services;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ClientFrame frame)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    switch (state) {
      case AWAIT_AUTH -> {
        if (frame.isSetAuth()) {
          authenticate(frame.getAuth());
        } else {
          fatal(ErrorCode.AUTH_REQUIRED, "the first frame must be Auth", CloseReason.PROTOCOL_ERROR);
        }
      }
      case AUTHENTICATING -> {
        if (early == null) {
          early = new ArrayDeque<>(4);
        }
        if (early.size() >= MAX_EARLY_FRAMES) {
          fatal(ErrorCode.RATE_LIMITED, "too many frames before AuthOk", CloseReason.PROTOCOL_ERROR);
        } else {
          early.add(frame);
        }
      }
      case ACTIVE -> {
        if (early != null) {
          early.add(frame); // still replaying what came before AuthOk: keep the client's order
        } else {
          requests.handle(frame);
        }
      }
      case CLOSED -> {}
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof ClientFrameError error) {
      fatal(error.code(), error.message(), CloseReason.PROTOCOL_ERROR);
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    updateAutoRead();
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    state = State.CLOSED;
    if (session != null) {
      services.couples().leave(couple, session);
      services.metrics().sessionClosed();
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("session {} failed: {}", ctx.channel(), cause.toString());
    ctx.close();
  }

  // ---- authentication ----

  private void authenticate(Auth auth) {
    try {
      token = services.tokens().verify(auth.getToken());
    } catch (TokenException e) {
      services.metrics().authRejected();
      ErrorCode code = e.reason() == TokenException.Reason.EXPIRED ? ErrorCode.AUTH_EXPIRED : ErrorCode.AUTH_INVALID;
      fatal(code, e.getMessage(), CloseReason.AUTH_FAILED);
      return;
    }
    String device = auth.getDeviceId();
    if (device == null || device.isEmpty() || device.length() > MAX_DEVICE_ID_CHARS) {
      services.metrics().authRejected();
      fatal(ErrorCode.AUTH_INVALID, "deviceId must be 1.." + MAX_DEVICE_ID_CHARS + " characters", CloseReason.AUTH_FAILED);
      return;
    }
    OpenStream spec = ctx.channel() instanceof MuxStreamChannel stream ? stream.openSpec() : null;
    if (spec != null && spec.isSetCoupleId() && !spec.getCoupleId().equals(token.coupleId())) {
      services.metrics().authRejected();
      fatal(ErrorCode.WRONG_COUPLE, "token is for another couple than the stream", CloseReason.AUTH_FAILED);
      return;
    }
    this.auth = auth;
    state = State.AUTHENTICATING;
    updateAutoRead();
    join();
  }

  private void join() {
    if (!services.ownership().owns(token.coupleId())) {
      notOwner();
      return;
    }
    services.couples().acquire(token.coupleId()).whenCompleteAsync((loaded, error) -> joined(loaded, error), ctx.executor());
  }

  private void joined(Couple loaded, Throwable error) {
    if (state != State.AUTHENTICATING) {
      return; // closed meanwhile
    }
    if (error != null) {
      log.warn("cannot load couple {}: {}", token.coupleId(), error.toString());
      fatal(ErrorCode.INTERNAL, "try again", CloseReason.INTERNAL_ERROR, 1000);
      return;
    }
    ChatSession candidate =
        new ChatSession(
            ctx.channel(), token.userId(), auth.getDeviceId(), services.limits().maxPendingOutputBytes(),
            s -> services.metrics().slowReaderClosed());
    Couple.JoinResult result = loaded.join(candidate);
    if (!result.accepted()) {
      if (++joinAttempts < MAX_JOIN_ATTEMPTS && services.ownership().owns(token.coupleId())) {
        join(); // the couple was retired or moved between load and join; load it again
      } else if (!services.ownership().owns(token.coupleId())) {
        notOwner();
      } else {
        services.metrics().authRejected();
        fatal(ErrorCode.AUTH_INVALID, "this couple already has two other users", CloseReason.AUTH_FAILED);
      }
      return;
    }
    couple = loaded;
    session = candidate;
    services.metrics().sessionOpened();
    services.metrics().authOk();
    answerAuth(result);
    requests = new SessionRequests(services, this);
    state = State.ACTIVE;
    long lastSeen = auth.isSetLastSeenSeq() ? auth.getLastSeenSeq() : 0;
    if (!isReopen() && lastSeen < result.latestSeq()) {
      requests.sync(lastSeen, services.limits().syncPageMax());
    }
    // Frames pipelined behind Auth first, in order. Reading resumes only after them; on a stream,
    // resuming delivers queued Data at once, and those frames join the queue's tail meanwhile.
    ClientFrame next;
    while (early != null && state == State.ACTIVE && (next = early.poll()) != null) {
      requests.handle(next);
    }
    early = null;
    updateAutoRead();
  }

  private void answerAuth(Couple.JoinResult result) {
    Channel channel = ctx.channel();
    if (isReopen()) {
      ClientFrame frame = ClientFrames.sessionReestablished(result.latestSeq());
      frame.getSessionReestablished().setPartnerOnline(result.partnerOnline()).setPartnerReadUpTo(result.partnerReadUpTo());
      channel.writeAndFlush(frame, channel.voidPromise());
      return;
    }
    int accepted = (auth.isSetCapabilities() ? auth.getCapabilities() : 0) & clientConstants.CAP_SNAPPY;
    ClientFrame ok = ClientFrames.authOk(token.userId(), token.coupleId(), result.latestSeq(), accepted);
    ok.getAuthOk()
        .setPartnerOnline(result.partnerOnline())
        .setPartnerReadUpTo(result.partnerReadUpTo())
        .setServerTime(System.currentTimeMillis())
        .setMaxFrameSize(services.limits().maxFrameBytes());
    if (result.partnerId() != null) {
      ok.getAuthOk().setPartnerId(result.partnerId());
    }
    // Encoded synchronously here on the event loop, so AuthOk itself is never compressed.
    channel.writeAndFlush(ok, channel.voidPromise());
    if (accepted != 0) {
      ClientFrameCodec.enableSnappy(channel);
    }
  }

  private boolean isReopen() {
    return ctx.channel() instanceof MuxStreamChannel stream
        && stream.openSpec() != null
        && stream.openSpec().getReopenCount() > 0;
  }

  private void notOwner() {
    services.metrics().authMoved();
    state = State.CLOSED;
    if (ctx.channel() instanceof MuxStreamChannel stream) {
      stream.close(CloseReason.MOVED, services.ownership().ringVersion(), "couple not owned here");
    } else {
      fatal(ErrorCode.UNAVAILABLE, "couple not owned by this server", CloseReason.MOVED, 1000);
    }
  }

  // ---- used by SessionRequests ----

  ChannelHandlerContext ctx() {
    return ctx;
  }

  VerifiedToken token() {
    return token;
  }

  Couple couple() {
    return couple;
  }

  ChatSession session() {
    return session;
  }

  void sendStarted() {
    inFlightSends++;
    updateAutoRead();
  }

  /** Called on any thread when a send's commit completed. */
  void sendFinished() {
    ctx.executor().execute(() -> {
      inFlightSends--;
      updateAutoRead();
    });
  }

  void fatal(ErrorCode code, String message, CloseReason closeReason) {
    fatal(code, message, closeReason, null);
  }

  void fatal(ErrorCode code, String message, CloseReason closeReason, Integer retryAfterMillis) {
    if (state == State.CLOSED && !ctx.channel().isActive()) {
      return;
    }
    state = State.CLOSED;
    services.metrics().error(code);
    Channel channel = ctx.channel();
    channel.config().setAutoRead(false);
    channel.writeAndFlush(ClientFrames.error(code, message, true, retryAfterMillis))
        .addListener((ChannelFutureListener) f -> {
          if (channel instanceof MuxStreamChannel stream) {
            stream.close(closeReason, 0, message);
          } else {
            channel.close();
          }
        });
  }

  private void updateAutoRead() {
    Channel channel = ctx.channel();
    boolean read =
        state == State.AWAIT_AUTH
            || (state == State.ACTIVE && channel.isWritable() && inFlightSends < services.limits().maxInFlightSends());
    if (channel.config().isAutoRead() != read) {
      channel.config().setAutoRead(read);
    }
  }
}
