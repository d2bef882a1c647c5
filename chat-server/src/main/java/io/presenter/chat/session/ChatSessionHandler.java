package io.presenter.chat.session;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.presenter.chat.couple.Couple;
import io.presenter.chat.couple.SessionEnd;
import io.presenter.protocol.client.ClientFrameCodec;
import io.presenter.protocol.client.ClientFrameError;
import io.presenter.protocol.client.ClientFrames;
import io.presenter.protocol.client.thrift.Auth;
import io.presenter.protocol.client.thrift.ClientFrame;
import io.presenter.protocol.client.thrift.ErrorCode;
import io.presenter.protocol.client.thrift.clientConstants;
import io.presenter.runtime.token.VerifiedToken;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client session, on a mux stream from a gateway or on a direct TLS connection (the
 * {@link SessionTransport} the pipeline hands it says which, and maps how the session ends to
 * that wire): consumes decoded {@link ClientFrame}s (after {@code ClientFrameDecoder}; anything
 * else is released and dropped) and writes {@link ClientFrame}s (encoded by {@code
 * ClientFrameEncoder}).
 *
 * <p>States: AWAIT_AUTH (only Auth is accepted) -> AUTHENTICATING (the couple is loaded; frames
 * that arrive meanwhile wait, at most {@value #MAX_EARLY_FRAMES}) -> ACTIVE. The Auth frame is
 * checked by {@link AuthFrameCheck}. A couple this server does not own is refused: behind a
 * gateway the session ends as {@link SessionEnd#MOVED} with the ring version (the gateway
 * re-routes), a direct client gets a fatal UNAVAILABLE.
 *
 * <p>Errors: a frame other than Auth first ({@code AUTH_REQUIRED}), a second Auth ({@code
 * ALREADY_AUTHENTICATED}), more than {@value #MAX_EARLY_FRAMES} frames before AuthOk ({@code
 * RATE_LIMITED}) and undecodable frames ({@link ClientFrameError}) are fatal: a ServerError with
 * fatal=true is written, then the session closes as {@link SessionEnd#PROTOCOL_ERROR} (a rejected
 * Auth: {@link SessionEnd#AUTH_FAILED}; a couple that cannot be loaded: INTERNAL with
 * retryAfterMillis, {@link SessionEnd#INTERNAL_ERROR}). Bad requests of an active session (see {@code
 * SessionRequests}) get a non-fatal ServerError. Nothing is thrown to Netty.
 *
 * <p>Back-pressure: the handler stops reading while its channel is not writable or while
 * {@code maxInFlightSends} sends await commit. It fires no events of its own; channelInactive
 * removes the device from its couple.
 */
public final class ChatSessionHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(ChatSessionHandler.class);
  private static final int MAX_EARLY_FRAMES = 64;
  private static final int MAX_JOIN_ATTEMPTS = 3;
  private static final int RETRY_MILLIS = 1000;

  private enum State { AWAIT_AUTH, AUTHENTICATING, ACTIVE, CLOSED }

  private final ChatServices services;
  private final SessionTransport transport;
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

  public ChatSessionHandler(ChatServices services, SessionTransport transport) {
    this.services = services;
    this.transport = transport;
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
          fatal(ErrorCode.AUTH_REQUIRED, "the first frame must be Auth", SessionEnd.PROTOCOL_ERROR);
        }
      }
      case AUTHENTICATING -> {
        if (early == null) {
          early = new ArrayDeque<>(4);
        }
        if (early.size() >= MAX_EARLY_FRAMES) {
          fatal(ErrorCode.RATE_LIMITED, "too many frames before AuthOk", SessionEnd.PROTOCOL_ERROR);
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
      fatal(error.code(), error.message(), SessionEnd.PROTOCOL_ERROR);
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
    log.debug("session of {} failed: {}", transport.clientAddress(), cause.toString());
    ctx.close();
  }

  // ---- authentication ----

  private void authenticate(Auth auth) {
    SessionAuthCheck.Outcome checked = SessionAuthCheck.check(auth, services.tokens(), transport.routedCoupleId());
    if (!checked.accepted()) {
      services.metrics().authRejected();
      fatal(checked.error(), checked.message(), SessionEnd.AUTH_FAILED);
      return;
    }
    this.token = checked.token();
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
      fatal(ErrorCode.INTERNAL, "try again", SessionEnd.INTERNAL_ERROR, RETRY_MILLIS);
      return;
    }
    ChatSession candidate =
        new ChatSession(
            ctx.channel(), transport, token.userId(), auth.getDeviceId(), services.limits().maxPendingOutputBytes(),
            services.metrics()::slowReaderClosed);
    Couple.JoinResult result = loaded.join(candidate);
    switch (result.outcome()) {
      case JOINED -> {}
      case ADMIT_FIRST -> {
        admit(loaded);
        return;
      }
      case NOT_A_MEMBER -> {
        notAMember();
        return;
      }
      case RETIRED -> {
        if (++joinAttempts < MAX_JOIN_ATTEMPTS && services.ownership().owns(token.coupleId())) {
          join(); // the couple was retired or moved between load and join; load it again
        } else if (!services.ownership().owns(token.coupleId())) {
          notOwner();
        } else {
          fatal(ErrorCode.INTERNAL, "try again", SessionEnd.INTERNAL_ERROR, RETRY_MILLIS);
        }
        return;
      }
    }
    couple = loaded;
    session = candidate;
    services.metrics().sessionOpened();
    services.metrics().authOk();
    answerAuth(result);
    requests = new SessionRequests(services, this);
    state = State.ACTIVE;
    long lastSeen = auth.isSetLastSeenSeq() ? auth.getLastSeenSeq() : 0;
    if (!transport.isReopen() && lastSeen < result.latestSeq()) {
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

  /** A user new to the couple takes one of its two places in the store, then joins. */
  private void admit(Couple loaded) {
    services.couples().admit(loaded, token.userId()).whenCompleteAsync((member, error) -> {
      if (state != State.AUTHENTICATING) {
        return;
      }
      if (error != null) {
        log.warn("cannot admit a user to couple {}: {}", token.coupleId(), error.toString());
        fatal(ErrorCode.INTERNAL, "try again", SessionEnd.INTERNAL_ERROR, RETRY_MILLIS);
      } else if (!member) {
        notAMember();
      } else {
        joined(loaded, null);
      }
    }, ctx.executor());
  }

  private void notAMember() {
    services.metrics().authRejected();
    fatal(ErrorCode.AUTH_INVALID, "not one of this couple's two users", SessionEnd.AUTH_FAILED);
  }

  private void answerAuth(Couple.JoinResult result) {
    Channel channel = ctx.channel();
    if (transport.isReopen()) {
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

  private void notOwner() {
    services.metrics().authMoved();
    state = State.CLOSED;
    if (transport.reroutes()) {
      transport.end(SessionEnd.MOVED, services.ownership().ringVersion(), "couple not owned here");
    } else {
      fatal(ErrorCode.UNAVAILABLE, "couple not owned by this server", SessionEnd.MOVED, RETRY_MILLIS);
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

  void fatal(ErrorCode code, String message, SessionEnd end) {
    fatal(code, message, end, null);
  }

  /** Writes a fatal ServerError, then closes the session as {@code end}. */
  void fatal(ErrorCode code, String message, SessionEnd end, Integer retryAfterMillis) {
    if (state == State.CLOSED && !ctx.channel().isActive()) {
      return;
    }
    state = State.CLOSED;
    services.metrics().error(code);
    Channel channel = ctx.channel();
    channel.config().setAutoRead(false);
    channel.writeAndFlush(ClientFrames.error(code, message, true, retryAfterMillis))
        .addListener((ChannelFutureListener) f -> transport.closeAfterError(end, message));
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
