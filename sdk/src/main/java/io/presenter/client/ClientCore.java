package io.presenter.client;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.presenter.protocol.client.ClientFrameCodec;
import io.presenter.protocol.client.ClientFrames;
import io.presenter.protocol.client.thrift.AuthOk;
import io.presenter.protocol.client.thrift.ClientFrame;
import io.presenter.protocol.client.thrift.Message;
import io.presenter.protocol.client.thrift.SendAck;
import io.presenter.protocol.client.thrift.ServerError;
import io.presenter.protocol.client.thrift.SessionReestablished;
import io.presenter.protocol.client.thrift.clientConstants;
import io.presenter.protocol.transport.Backoff;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Future;

/**
 * The state machine behind {@link PresenterClient} (docs/PROTOCOL.md 3.6 and 7). Every field and
 * method is confined to one event loop; {@link PresenterClient} hops onto it.
 */
final class ClientCore {
  private final ClientConfig config;
  private final PresenterListener listener;
  private final EventLoop loop;
  private final Connector connector;
  private final Backoff backoff;
  private final Outbox outbox;
  private final Inbox inbox;
  final CompletableFuture<AuthOk> firstAuth = new CompletableFuture<>();
  private Channel channel;
  private boolean active;
  private boolean started;
  private boolean closed;
  private boolean typing;
  private long readUpTo;
  private long retryAfterMillis;
  private Future<?> reconnectTimer;
  private volatile InetSocketAddress sessionGateway;

  ClientCore(ClientConfig config, EventLoop loop) {
    this.config = config;
    this.listener = config.listener();
    this.loop = loop;
    this.backoff = new Backoff(config.backoffMin().toMillis(), config.backoffMax().toMillis());
    this.outbox = new Outbox(config.maxUnacked());
    this.inbox = new Inbox(config.lastSeenSeq(), listener, after -> write(ClientFrames.syncRequest(after, null)), this::ackedByCopy);
    this.connector = new Connector(config, loop);
  }

  long lastSeenSeq() {
    return inbox.lastSeenSeq();
  }

  /** The gateway of the authenticated session, or null between sessions. */
  InetSocketAddress sessionGateway() {
    return sessionGateway;
  }

  EventLoop loop() {
    return loop;
  }

  void start() {
    if (!started && !closed) {
      started = true;
      connectNow();
    }
  }

  private void connectNow() {
    reconnectTimer = null;
    if (closed) {
      return;
    }
    ChannelFuture f = connector.connect(this);
    channel = f.channel();
    f.addListener((ChannelFutureListener) done -> {
      if (!done.isSuccess()) {
        onClosed(done.channel(), "connect failed: " + done.cause());
      }
    });
  }

  void onActive(Channel ch) {
    if (ch != channel) {
      ch.close();
      return;
    }
    int caps = config.snappy() ? clientConstants.CAP_SNAPPY : 0;
    ClientFrame auth = ClientFrames.auth(config.tokens().get(), config.deviceId(), inbox.lastSeenSeq(), caps);
    if (config.clientVersion() != null) {
      auth.getAuth().setClientVersion(config.clientVersion());
    }
    ch.writeAndFlush(auth).addListener(ClientChannelHandler.CLOSE_ON_WRITE_FAILURE);
  }

  void onHandshake(Channel ch, long nanos, boolean resumed) {
    if (ch == channel) {
      fire(() -> listener.handshake(Duration.ofNanos(nanos), resumed));
    }
  }

  boolean isActive(Channel ch) {
    return ch == channel && active;
  }

  void ping(Channel ch, long nonce) {
    ch.writeAndFlush(ClientFrames.ping(nonce)).addListener(ClientChannelHandler.CLOSE_ON_WRITE_FAILURE);
  }

  void onFrame(Channel ch, ClientFrame frame) {
    if (ch != channel || frame.getSetField() == null) {
      return;
    }
    if (!active) {
      switch (frame.getSetField()) {
        case AUTH_OK -> onAuthOk(frame.getAuthOk());
        case ERROR -> onError(frame.getError());
        default -> closeChannel("unexpected " + frame.getSetField() + " before AuthOk");
      }
      return;
    }
    switch (frame.getSetField()) {
      case MESSAGE -> inbox.message(frame.getMessage());
      case SYNC_PAGE -> inbox.page(frame.getSyncPage());
      case ACK -> onAck(frame.getAck());
      case TYPING -> fire(() -> listener.typing(frame.getTyping().getUserId(), frame.getTyping().isTyping()));
      case READ_UP_TO -> fire(() -> listener.readUpTo(frame.getReadUpTo().getUserId(), frame.getReadUpTo().getSeq()));
      case PRESENCE -> fire(() -> listener.presence(frame.getPresence().getUserId(), frame.getPresence().isOnline()));
      case PING -> write(ClientFrames.pong(frame.getPing().getNonce()));
      case SESSION_REESTABLISHED -> onReestablished(frame.getSessionReestablished());
      case GO_AWAY -> {
        retryAfterMillis = Math.max(retryAfterMillis, frame.getGoAway().getRetryAfterMillis());
        closeChannel("GoAway " + frame.getGoAway().getReason());
      }
      case ERROR -> onError(frame.getError());
      default -> { } // PONG, or a C->S kind the server should not send
    }
  }

  private void onAuthOk(AuthOk ok) {
    active = true;
    sessionGateway = (InetSocketAddress) channel.remoteAddress();
    backoff.reset();
    retryAfterMillis = 0;
    inbox.sessionStarted(ok.getLatestSeq() > inbox.lastSeenSeq()); // the server sends one SyncPage unasked
    if (config.snappy() && (ok.getCapabilities() & clientConstants.CAP_SNAPPY) != 0) {
      ClientFrameCodec.enableSnappy(channel);
    }
    fire(() -> listener.connected(ok));
    resumeOutgoing(false);
    firstAuth.complete(ok);
  }

  private void onReestablished(SessionReestablished info) {
    fire(() -> listener.reestablished(info));
    resumeOutgoing(true);
    inbox.sessionStarted(false);
    inbox.reestablished(info.getLatestSeq());
  }

  /** Resends unacked messages in order with their ids, and the state frames that may be lost. */
  private void resumeOutgoing(boolean reestablished) {
    for (Outbox.Pending p : outbox.inOrder()) {
      write(ClientFrames.send(p.clientMessageId(), p.kind(), p.body()));
    }
    if (readUpTo > 0) {
      write(ClientFrames.readUpTo(readUpTo, null));
    }
    if (reestablished && typing) {
      write(ClientFrames.typing(true, null));
    }
  }

  private void onAck(SendAck ack) {
    inbox.acked(ack.getSeq());
    completeSend(ack.getClientMessageId(), ack.getSeq());
  }

  /** Completes the unacked send {@code clientMessageId} with {@code seq}; false if none is pending. */
  private boolean completeSend(String clientMessageId, long seq) {
    Outbox.Pending p = outbox.remove(clientMessageId);
    if (p == null) {
      return false;
    }
    p.result().complete(seq);
    fire(() -> listener.ack(clientMessageId, seq));
    return true;
  }

  /**
   * A stored copy of one of this device's unacked sends (same device, same clientMessageId)
   * proves the send committed with that seq: completes it as its ack would. The ack that may
   * still come then finds nothing pending.
   */
  private boolean ackedByCopy(Message m) {
    return m.isSetClientMessageId() && config.deviceId().equals(m.getSenderDeviceId())
        && completeSend(m.getClientMessageId(), m.getSeq());
  }

  private void onError(ServerError e) {
    fire(() -> listener.error(e));
    if (e.isFatal()) {
      retryAfterMillis = Math.max(retryAfterMillis, e.getRetryAfterMillis());
      closeChannel("fatal " + e.getCode() + (e.isSetMessage() ? ": " + e.getMessage() : ""));
      return;
    }
    Outbox.Pending p = e.isSetClientMessageId() ? outbox.get(e.getClientMessageId()) : null;
    if (p == null) {
      return;
    }
    if (e.isSetRetryAfterMillis()) { // RATE_LIMITED, INTERNAL: same id, later
      Channel ch = channel;
      loop.schedule(() -> {
        if (ch == channel && active && outbox.get(p.clientMessageId()) == p) {
          write(ClientFrames.send(p.clientMessageId(), p.kind(), p.body()));
        }
      }, e.getRetryAfterMillis(), TimeUnit.MILLISECONDS);
    } else { // BODY_TOO_LARGE, BAD_REQUEST, ...: not stored, do not resend
      outbox.remove(p.clientMessageId());
      p.result().completeExceptionally(new PresenterClientException("send refused: " + e.getCode(), e));
    }
  }

  void requestSync(long afterSeq) {
    if (active) {
      inbox.sync(afterSeq);
    }
  }

  void send(Outbox.Pending p) {
    if (closed) {
      p.result().completeExceptionally(new PresenterClientException("client closed", null));
    } else if (!outbox.add(p)) {
      p.result().completeExceptionally(new PresenterClientException("too many unacked messages: " + outbox.size(), null));
    } else {
      write(ClientFrames.send(p.clientMessageId(), p.kind(), p.body()));
    }
  }

  void typing(boolean on) {
    typing = on;
    write(ClientFrames.typing(on, null));
  }

  void readUpTo(long seq) {
    if (seq > readUpTo) {
      readUpTo = seq;
      write(ClientFrames.readUpTo(seq, null));
    }
  }

  /** Writes on the authenticated connection; drops the frame when there is none (resent later where it matters). */
  private void write(ClientFrame frame) {
    if (channel != null && active) {
      channel.writeAndFlush(frame).addListener(ClientChannelHandler.CLOSE_ON_WRITE_FAILURE);
    }
  }

  void closeChannel(String reason) {
    Channel ch = channel;
    if (ch != null) {
      ClientChannelHandler h = ch.pipeline().get(ClientChannelHandler.class);
      if (h != null) {
        h.reason(reason);
      }
      ch.close();
    }
  }

  /**
   * Ends the connection as a network failure would, without TLS close_notify: a TCP reset (linger
   * 0), closed below the TLS handler. The client reconnects as after any failure.
   */
  void dropChannel(String reason) {
    Channel ch = channel;
    if (ch == null) {
      return;
    }
    ClientChannelHandler h = ch.pipeline().get(ClientChannelHandler.class);
    if (h != null) {
      h.reason(reason);
    }
    ch.config().setOption(ChannelOption.SO_LINGER, 0);
    ChannelHandlerContext first = ch.pipeline().firstContext();
    if (first != null) {
      first.close(); // from the first handler's context: skips the TLS handler's close_notify
    } else {
      ch.close();
    }
  }

  void onClosed(Channel ch, String reason) {
    if (ch != channel) {
      return;
    }
    channel = null;
    active = false;
    sessionGateway = null;
    fire(() -> listener.disconnected(reason, !closed));
    if (!closed) {
      long delay = backoff.next(retryAfterMillis);
      retryAfterMillis = 0;
      reconnectTimer = loop.schedule(this::connectNow, delay, TimeUnit.MILLISECONDS);
    }
  }

  /** Stops for good: no reconnect; unacked sends fail. Returns the current connection's close. */
  ChannelFuture close() {
    closed = true;
    if (reconnectTimer != null) {
      reconnectTimer.cancel(false);
    }
    PresenterClientException gone = new PresenterClientException("client closed before the ack; the message may or may not be stored", null);
    for (Outbox.Pending p : outbox.drain()) {
      p.result().completeExceptionally(gone);
    }
    firstAuth.completeExceptionally(new PresenterClientException("client closed", null));
    Channel ch = channel;
    closeChannel("closed by the application");
    return ch == null ? null : ch.closeFuture();
  }

  private static void fire(Runnable call) {
    try {
      call.run();
    } catch (RuntimeException ignored) {
      // A listener's bug must not break the connection.
    }
  }
}
