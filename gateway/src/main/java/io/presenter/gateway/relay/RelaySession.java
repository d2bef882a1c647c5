package io.presenter.gateway.relay;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import io.presenter.gateway.auth.Authenticated;
import io.presenter.gateway.metrics.CloseReason;
import io.presenter.gateway.metrics.GatewayMetrics;
import io.presenter.gateway.routing.Routes;
import io.presenter.protocol.client.ClientFrames;
import io.presenter.protocol.client.thrift.GoAwayReason;
import io.presenter.protocol.mux.MuxStreamChannel;
import io.presenter.protocol.mux.StreamCloseInfo;
import io.presenter.protocol.mux.thrift.OpenStream;
import io.presenter.protocol.transport.Backoff;
import io.presenter.protocol.transport.LingeringClose;
import java.util.ArrayDeque;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One authenticated client and its current stream to a chat server, from {@link Authenticated}
 * until the connection closes. Bytes go through blindly in both directions ({@link ClientSide},
 * {@link StreamSide}); the only thing the session knows of them is where client-protocol frames
 * begin and end ({@link FrameBoundaryTracker}).
 *
 * <p>The session watches the close futures of the client and of its stream, and closes the other
 * side: when the client goes, the stream closes as CLIENT_GONE; when the stream ends and cannot be
 * followed, the client is closed. Every close the session decides records its {@link CloseReason}
 * on the client channel first; a client that closes by itself is {@link
 * CloseReason#CLIENT_CLOSED}. The connection's tracker counts the reason.
 *
 * <p>When the chat server closes the stream with MOVED, DRAINING or REFUSED, or its connection
 * dies, the session opens a new stream on the couple's current owner (waiting until the local
 * ring is at least as new as the one the server decided under), replaying the client's auth
 * frame, and the client keeps its TLS connection. If the server's last frame was cut off, or no
 * owner can be reached within the re-route timeout, the client gets a GoAway (when at a frame
 * boundary) and is closed so it reconnects. Attempts to open the new stream back off with full
 * jitter ({@link Backoff}, {@value #RETRY_MIN_MILLIS} ms to {@value #RETRY_MAX_MILLIS} ms). All state
 * is touched on the client's event loop.
 */
public final class RelaySession {
  private static final Logger log = LoggerFactory.getLogger(RelaySession.class);
  private static final int MAX_REROUTES = 5;
  private static final int MAX_HELD_CLIENT_BYTES = 64 * 1024;
  private static final long RETRY_MIN_MILLIS = 50;
  private static final long RETRY_MAX_MILLIS = 1_000;
  /** The name of the session's handler in its streams' pipelines. */
  private static final String STREAM_HANDLER = "relay";
  private static final long CLOSE_DRAIN_MILLIS = 5_000;

  private final Channel client;
  private final Authenticated authenticated;
  private final OpenStream spec;
  private final Routes routes;
  private final GatewayMetrics metrics;
  private final long rerouteTimeoutMillis;
  private final FrameBoundaryTracker fromClient = new FrameBoundaryTracker();
  private final FrameBoundaryTracker fromServer = new FrameBoundaryTracker();
  final ClientSide clientSide = new ClientSide(this);
  private final StreamSide streamSide = new StreamSide(this);

  private MuxStreamChannel stream;
  private boolean serverSpoke;
  private boolean discardingClientFrame;
  private boolean switching = true;
  private ArrayDeque<ByteBuf> held;
  private int heldBytes;
  private int reroutes;
  private int reopens;
  private Backoff retries;
  private ScheduledFuture<?> rerouteDeadline;
  private boolean closed;

  public RelaySession(
      Channel client, Authenticated authenticated, Routes routes, GatewayMetrics metrics, long rerouteTimeoutMillis) {
    this.client = client;
    this.authenticated = authenticated;
    this.spec = authenticated.spec();
    this.routes = routes;
    this.metrics = metrics;
    this.rerouteTimeoutMillis = rerouteTimeoutMillis;
  }

  /** The handler to install on the client channel, in place of the auth step. */
  public ClientSide clientHandler() {
    return clientSide;
  }

  /** Starts relaying: takes the authenticated stream over and watches both ends. On the client's loop. */
  public void start() {
    client.closeFuture().addListener(f -> clientGone());
    authenticated.handOver(STREAM_HANDLER, streamSide);
    attach(authenticated.stream());
  }

  /** Stream futures complete on the backend connection's loop; session state lives on the client's. */
  private void onClientLoop(Runnable task) {
    if (client.eventLoop().inEventLoop()) {
      task.run();
      return;
    }
    try {
      client.eventLoop().execute(task);
    } catch (RejectedExecutionException e) {
      // The gateway is stopping and the client's loop is gone; so is the client.
    }
  }

  // ---- client -> server ----

  void fromClient(ByteBuf buf) {
    if (closed) {
      buf.release();
      return;
    }
    if (switching) {
      hold(buf);
      return;
    }
    if (discardingClientFrame) {
      fromClient.skipToBoundary(buf);
      if (!fromClient.atBoundary()) {
        buf.release();
        return;
      }
      discardingClientFrame = false;
      if (!buf.isReadable()) {
        buf.release();
        return;
      }
    }
    fromClient.observe(buf);
    metrics.relayedUp(buf.readableBytes());
    stream.write(buf, stream.voidPromise());
    if (!stream.isWritable()) {
      client.config().setAutoRead(false);
    }
  }

  void clientReadComplete() {
    if (!switching && stream != null) {
      stream.flush();
    }
  }

  private void hold(ByteBuf buf) {
    if (held == null) {
      held = new ArrayDeque<>(2);
    }
    heldBytes += buf.readableBytes();
    held.add(buf);
    if (heldBytes > MAX_HELD_CLIENT_BYTES) {
      fail(CloseReason.SLOW_CLIENT, "client sent too much while its session moved");
    }
  }

  private void clientGone() {
    CloseReason.CLIENT_CLOSED.setOn(client); // unless the session closed it for a reason of its own
    if (closed) {
      return;
    }
    closed = true;
    releaseHeld();
    if (stream != null && stream.isOpen()) {
      stream.close(io.presenter.protocol.mux.thrift.CloseReason.CLIENT_GONE, 0, null);
    }
  }

  void clientWritabilityChanged(boolean writable) {
    if (stream != null && !switching) {
      stream.config().setAutoRead(writable);
    }
  }

  // ---- server -> client ----

  void fromServer(MuxStreamChannel from, ByteBuf buf) {
    if (!client.eventLoop().inEventLoop()) {
      // Only when the backend connection on the client's own loop was down.
      client.eventLoop().execute(() -> fromServer(from, buf));
      return;
    }
    if (from != stream || closed) {
      buf.release();
      return;
    }
    serverSpoke = true;
    fromServer.observe(buf);
    metrics.relayedDown(buf.readableBytes());
    client.write(buf, client.voidPromise());
  }

  void serverReadComplete(MuxStreamChannel from) {
    if (!client.eventLoop().inEventLoop()) {
      client.eventLoop().execute(() -> serverReadComplete(from));
      return;
    }
    if (from != stream || closed) {
      return;
    }
    client.flush();
    if (!client.isWritable()) {
      from.config().setAutoRead(false);
    }
  }

  void streamWritabilityChanged(MuxStreamChannel from) {
    if (from == stream && !switching && from.isWritable()) {
      client.config().setAutoRead(true);
    }
  }

  /**
   * The server closed the stream while data for the client is still queued (the client is slow
   * to read). That data is delivered if the client reads it within {@link #CLOSE_DRAIN_MILLIS};
   * otherwise the stream is dropped, which ends the session. The only per-session timer after
   * auth, and only in this case.
   */
  void streamClosingWithDataQueued(MuxStreamChannel from) {
    from.eventLoop().schedule(from::discardAndClose, CLOSE_DRAIN_MILLIS, TimeUnit.MILLISECONDS);
  }

  /** On the stream's loop: hop to the client's loop, where all session state lives. */
  private void streamEnded(MuxStreamChannel from) {
    onClientLoop(() -> onStreamEnded(from));
  }

  private void onStreamEnded(MuxStreamChannel from) {
    if (from != stream || closed) {
      return;
    }
    StreamCloseInfo info = from.closeInfo();
    client.flush();
    if (info != null && info.shouldReroute() && fromServer.atBoundary() && client.isActive()) {
      reroute(info);
    } else {
      closed = true;
      releaseHeld();
      CloseReason.SERVER_CLOSED.setOn(client);
      LingeringClose.after(client.writeAndFlush(Unpooled.EMPTY_BUFFER), LingeringClose.DEFAULT_LINGER_MILLIS);
    }
  }

  // ---- moving the session ----

  private void reroute(StreamCloseInfo info) {
    switching = true;
    client.config().setAutoRead(false);
    if (++reroutes > MAX_REROUTES) {
      fail(CloseReason.REROUTE_FAILED, "too many re-routes");
      return;
    }
    if (retries == null) {
      retries = new Backoff(RETRY_MIN_MILLIS, RETRY_MAX_MILLIS);
    }
    retries.reset();
    rerouteDeadline = client.eventLoop().schedule(this::rerouteTimedOut, rerouteTimeoutMillis, TimeUnit.MILLISECONDS);
    long minVersion = info.origin() == StreamCloseInfo.Origin.REMOTE ? info.ringVersion() : 0;
    // After a connection loss the dead server stays on the ring until its session expires, so
    // a first attempt may fail; tryOpen retries until the deadline.
    tryOpen(minVersion);
  }

  private void tryOpen(long minVersion) {
    if (closed || !client.isActive()) {
      return;
    }
    if (routes.ringVersion() < minVersion) {
      retryLater(minVersion);
      return;
    }
    // reopenCount > 0 tells the new server to answer SessionReestablished rather than AuthOk,
    // which is right only if the client already got an answer from some chat server.
    spec.setReopenCount(serverSpoke ? reopens + 1 : 0);
    routes.open(spec, client.eventLoop(), streamSide).addListener((Future<MuxStreamChannel> f) -> onClientLoop(() -> {
      if (closed) {
        if (f.isSuccess()) {
          f.getNow().close(io.presenter.protocol.mux.thrift.CloseReason.CLIENT_GONE, 0, null);
        }
        return;
      }
      if (f.isSuccess()) {
        if (serverSpoke) {
          reopens++;
        }
        metrics.rerouted(true);
        attach(f.getNow());
      } else {
        retryLater(minVersion);
      }
    }));
  }

  private void retryLater(long minVersion) {
    client.eventLoop().schedule(() -> tryOpen(minVersion), retries.next(), TimeUnit.MILLISECONDS);
  }

  private void rerouteTimedOut() {
    rerouteDeadline = null;
    if (!closed && switching) {
      metrics.rerouted(false);
      fail(CloseReason.REROUTE_FAILED, "no chat server took the session in time");
    }
  }

  private void attach(MuxStreamChannel opened) {
    stream = opened;
    switching = false;
    if (rerouteDeadline != null) {
      rerouteDeadline.cancel(false);
      rerouteDeadline = null;
    }
    if (!fromClient.atBoundary()) {
      // The old server got the start of a frame; the rest would be garbage to the new one. The
      // client resends whatever was not acknowledged after SessionReestablished.
      discardingClientFrame = true;
    }
    if (held != null) {
      ArrayDeque<ByteBuf> pending = held;
      held = null;
      heldBytes = 0;
      ByteBuf buf;
      while ((buf = pending.poll()) != null) {
        fromClient(buf);
      }
      stream.flush();
    }
    if (stream.isWritable()) {
      client.config().setAutoRead(true);
    }
    // At once if the server refused the stream before we attached.
    opened.closeFuture().addListener(f -> streamEnded(opened));
  }

  private void fail(CloseReason reason, String why) {
    if (closed) {
      return;
    }
    end(reason, GoAwayReason.MOVED, 0, why);
  }

  /**
   * Ends the session from the gateway's side: the stream closes as CLIENT_GONE, and the client gets
   * a GoAway if the relayed server bytes end at a frame boundary (otherwise a GoAway would corrupt
   * its stream, so it is only closed).
   */
  private void end(CloseReason counted, GoAwayReason reason, int retryAfterMillis, String why) {
    closed = true;
    releaseHeld();
    counted.setOn(client);
    log.debug("closing client {}: {}", client.remoteAddress(), why);
    if (stream != null && stream.isOpen()) {
      stream.close(io.presenter.protocol.mux.thrift.CloseReason.CLIENT_GONE, 0, why);
    }
    // A GoAway between two server frames; in the middle of one it would corrupt the client's stream.
    Object last = fromServer.atBoundary()
        ? ClientFrames.encode(client.alloc(), ClientFrames.goAway(reason, retryAfterMillis))
        : Unpooled.EMPTY_BUFFER;
    LingeringClose.after(client.writeAndFlush(last), LingeringClose.DEFAULT_LINGER_MILLIS);
  }

  /**
   * Asks the client to reconnect elsewhere (the gateway is draining): GoAway(DRAINING) with a
   * retry hint, written between two server frames (waiting up to 2 s for a boundary), then the
   * stream and the connection close. Safe from any thread.
   */
  public void goAway(int retryAfterMillis) {
    onClientLoop(() -> tryGoAway(retryAfterMillis, 0));
  }

  private void tryGoAway(int retryAfterMillis, int attempt) {
    if (closed || !client.isActive()) {
      return;
    }
    // Wait (bounded) for a frame boundary, and for the server's first answer: GoAway comes after AuthOk.
    if ((!fromServer.atBoundary() || !serverSpoke) && attempt < 40) {
      client.eventLoop().schedule(() -> tryGoAway(retryAfterMillis, attempt + 1), 50, TimeUnit.MILLISECONDS);
      return;
    }
    end(CloseReason.DRAINING, GoAwayReason.DRAINING, retryAfterMillis, "gateway draining");
  }

  private void releaseHeld() {
    if (held != null) {
      held.forEach(ByteBuf::release);
      held = null;
      heldBytes = 0;
    }
  }
}
