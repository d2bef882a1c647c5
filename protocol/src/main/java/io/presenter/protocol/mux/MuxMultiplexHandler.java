package io.presenter.protocol.mux;

import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultChannelPromise;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.collection.IntObjectMap;
import io.netty.util.collection.LongObjectHashMap;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import io.presenter.protocol.mux.thrift.CloseReason;
import io.presenter.protocol.mux.thrift.OpenStream;
import io.presenter.protocol.mux.thrift.muxConstants;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Frames to streams: the connection-level state of the multiplexing protocol, placed right after
 * {@link MuxFrameCodec}. Each stream is a {@link MuxStreamChannel} child channel on this
 * connection's event loop.
 *
 * <p>On activation it sends this side's Settings; the peer's Settings must be the first frame
 * received (within {@link MuxConfig#handshakeTimeout()}), after which {@link #ready()} completes
 * and streams may be opened with {@link MuxStreamChannelBootstrap}. Streams the peer opens are
 * given {@code inboundStreamHandler} (typically a {@code ChannelInitializer}); a side without one
 * refuses them with Close(REFUSED).
 *
 * <p>Protocol violations — including a {@link MuxProtocolError} from the decoder — are passed on
 * as a {@link MuxProtocolError} event, so a later handler can count it, and then answered with
 * GoAway(PROTOCOL_ERROR) and a close. A GoAway from the peer is passed on as a {@link
 * MuxFrame.GoAway} user event. I/O exceptions close the connection and are not propagated.
 *
 * <p>Writes from streams are flushed once per read batch or once per event-loop task batch, so
 * many streams writing in the same loop iteration share one flush.
 */
public final class MuxMultiplexHandler extends ChannelDuplexHandler {
  private static final Logger log = LoggerFactory.getLogger(MuxMultiplexHandler.class);
  private static final int MAX_OUTSTANDING_PINGS = 16;

  /** Which end of the TCP connection this side is; decides stream id parity. */
  public enum Role {
    /** Connected out (the gateway); opens odd stream ids. */
    CLIENT,
    /** Accepted the connection (the chat server); opens even stream ids. */
    SERVER,
  }

  private record PendingPing(long sentNanos, Promise<Long> promise) {}

  private final MuxConfig config;
  private final Role role;
  private final ChannelHandler inboundStreamHandler;
  private final IntObjectMap<MuxStreamChannel> streams = new IntObjectHashMap<>();
  private final List<MuxStreamChannel> readCompletePending = new ArrayList<>();
  private final LongObjectHashMap<PendingPing> pings = new LongObjectHashMap<>();
  private final Runnable flushTask = this::flushNow;

  private ChannelHandlerContext ctx;
  private Promise<MuxFrame.Settings> ready;
  private MuxFrame.Settings peerSettings;
  private ScheduledFuture<?> handshakeTimeout;
  private boolean started;
  private boolean closed;
  private int nextStreamId;
  private int lastPeerStreamId;
  private boolean goAwaySent;
  private MuxFrame.GoAway goAwayReceived;
  private boolean inReadLoop;
  private boolean flushPending;
  private boolean flushScheduled;
  private long nextPingId;
  private long discardedFrames;
  /** Open streams by opener: each side's limit applies to the streams its peer opens. */
  private int locallyOpened;
  private int peerOpened;

  public MuxMultiplexHandler(MuxConfig config, Role role, ChannelHandler inboundStreamHandler) {
    this.config = config;
    this.role = role;
    this.inboundStreamHandler = inboundStreamHandler;
    this.nextStreamId = role == Role.CLIENT ? 1 : 2;
  }

  /** The handler of a mux connection, or null if the channel is not one. */
  public static MuxMultiplexHandler of(Channel channel) {
    return channel.pipeline().get(MuxMultiplexHandler.class);
  }

  /** Completes with the peer's Settings when the handshake is done; fails if the connection ends first. */
  public Future<MuxFrame.Settings> ready() {
    return ready;
  }

  /** The peer's Settings, or null before the handshake completed. */
  public MuxFrame.Settings peerSettings() {
    return peerSettings;
  }

  /** Streams currently open on this connection. Call on the event loop for an exact figure. */
  public int activeStreams() {
    return streams.size();
  }

  /** True while new streams may be opened here: handshake done, no GoAway either way, open. */
  public boolean isAcceptingNewStreams() {
    return !closed && peerSettings != null && !goAwaySent && goAwayReceived == null;
  }

  /** Frames for streams that were no longer (or never) open, dropped as the protocol says. */
  public long discardedFrames() {
    return discardedFrames;
  }

  /**
   * Sends a Ping; the future completes with the round-trip time in nanoseconds when the Pong
   * arrives. At most {@value #MAX_OUTSTANDING_PINGS} may be outstanding; the caller applies its
   * own timeout.
   */
  public Future<Long> ping() {
    Promise<Long> promise = ctx.executor().newPromise();
    ctx.executor().execute(() -> {
      if (closed || peerSettings == null) {
        promise.tryFailure(new IllegalStateException("mux connection not ready"));
        return;
      }
      if (pings.size() >= MAX_OUTSTANDING_PINGS) {
        promise.tryFailure(new IllegalStateException("too many outstanding pings"));
        return;
      }
      long id = ++nextPingId;
      pings.put(id, new PendingPing(System.nanoTime(), promise));
      writeFrame(new MuxFrame.Ping(id));
      scheduleFlush();
    });
    return promise;
  }

  /**
   * Tells the peer no new streams will be accepted; open streams continue and the connection
   * closes when the last one ends.
   */
  public void goAway(CloseReason reason, String message) {
    if (!ctx.executor().inEventLoop()) {
      ctx.executor().execute(() -> goAway(reason, message));
      return;
    }
    if (goAwaySent || closed) {
      return;
    }
    goAwaySent = true;
    writeFrame(new MuxFrame.GoAway(lastPeerStreamId, reason, message));
    flushNow();
    closeIfIdleAfterGoAway();
  }

  // ---- lifecycle ----

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    this.ready = ctx.executor().newPromise();
    if (ctx.channel().isActive()) {
      start();
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    start();
    ctx.fireChannelActive();
  }

  private void start() {
    if (started) {
      return;
    }
    started = true;
    ctx.writeAndFlush(config.toSettings(), ctx.voidPromise());
    handshakeTimeout =
        ctx.executor()
            .schedule(
                () -> {
                  if (peerSettings == null) {
                    connectionError(MuxProtocolError.Kind.HANDSHAKE, "no Settings within " + config.handshakeTimeout());
                  }
                },
                config.handshakeTimeout().toMillis(),
                TimeUnit.MILLISECONDS);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    closed = true;
    if (handshakeTimeout != null) {
      handshakeTimeout.cancel(false);
    }
    ready.tryFailure(new IOException("mux connection closed"));
    for (PendingPing ping : pings.values()) {
      ping.promise().tryFailure(new IOException("mux connection closed"));
    }
    pings.clear();
    CloseReason reason = goAwayReceived != null ? goAwayReceived.reason() : CloseReason.INTERNAL_ERROR;
    StreamCloseInfo lost = new StreamCloseInfo(StreamCloseInfo.Origin.CONNECTION_LOST, reason, 0, "mux connection closed");
    for (MuxStreamChannel stream : new ArrayList<>(streams.values())) {
      stream.onConnectionLost(lost);
    }
    streams.clear();
    locallyOpened = 0;
    peerOpened = 0;
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // Peers are our own servers; log quietly and end the connection. Streams re-route on close.
    log.debug("mux connection {} failed: {}", ctx.channel(), cause.toString());
    ctx.close();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof MuxProtocolError error) {
      failConnection(error);
    } else {
      ctx.fireUserEventTriggered(evt);
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    boolean writable = ctx.channel().isWritable();
    for (MuxStreamChannel stream : streams.values()) {
      stream.onParentWritabilityChanged(writable);
    }
    ctx.fireChannelWritabilityChanged();
  }

  // ---- inbound frames ----

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof MuxFrame frame)) {
      ctx.fireChannelRead(msg);
      return;
    }
    inReadLoop = true;
    if (closed) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (peerSettings == null && !(frame instanceof MuxFrame.Settings)) {
      ReferenceCountUtil.release(msg);
      connectionError(MuxProtocolError.Kind.HANDSHAKE, "first frame must be Settings, got " + frame.getClass().getSimpleName());
      return;
    }
    if (frame instanceof MuxFrame.Data data) {
      MuxStreamChannel stream = streamFor(data.streamId());
      if (stream == null) {
        data.release();
      } else {
        stream.onData(data.content());
      }
    } else if (frame instanceof MuxFrame.WindowUpdate update) {
      MuxStreamChannel stream = streamFor(update.streamId());
      if (stream != null) {
        stream.onWindowUpdate(update.increment());
      }
    } else if (frame instanceof MuxFrame.Open open) {
      onOpen(open);
    } else if (frame instanceof MuxFrame.Close close) {
      MuxStreamChannel stream = streamFor(close.streamId());
      if (stream != null) {
        stream.onRemoteClose(
            new StreamCloseInfo(StreamCloseInfo.Origin.REMOTE, close.reason(), close.ringVersion(), close.message()));
      }
    } else if (frame instanceof MuxFrame.Ping ping) {
      writeFrame(new MuxFrame.Pong(ping.opaque()));
      scheduleFlush();
    } else if (frame instanceof MuxFrame.Pong pong) {
      PendingPing pending = pings.remove(pong.opaque());
      if (pending != null) {
        pending.promise().trySuccess(System.nanoTime() - pending.sentNanos());
      }
    } else if (frame instanceof MuxFrame.Settings settings) {
      onSettings(settings);
    } else if (frame instanceof MuxFrame.GoAway goAway) {
      onGoAway(goAway);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    inReadLoop = false;
    if (!readCompletePending.isEmpty()) {
      // Index loop: a child's readComplete may add to the list again.
      for (int i = 0; i < readCompletePending.size(); i++) {
        readCompletePending.get(i).fireReadComplete();
      }
      readCompletePending.clear();
    }
    if (flushPending) {
      flushNow();
    }
    ctx.fireChannelReadComplete();
  }

  /**
   * The stream a Data, WindowUpdate or Close frame is for; null, counted as discarded, if the id
   * is not open. A stream the peer has closed is not open for the peer's frames even while it
   * stays registered for its queued data to be read.
   */
  private MuxStreamChannel streamFor(int streamId) {
    MuxStreamChannel stream = streams.get(streamId);
    if (stream == null || stream.isClosedByPeer()) {
      discardedFrames++;
      return null;
    }
    return stream;
  }

  private void onSettings(MuxFrame.Settings settings) {
    if (peerSettings != null) {
      connectionError(MuxProtocolError.Kind.HANDSHAKE, "second Settings frame");
      return;
    }
    if (settings.version() != muxConstants.MUX_PROTOCOL_VERSION) {
      connectionError(MuxProtocolError.Kind.HANDSHAKE, "unsupported version " + settings.version());
      return;
    }
    if (settings.maxFrameSize() < MuxConfig.MIN_MAX_FRAME_SIZE
        || settings.initialStreamWindow() <= 0
        || settings.maxConcurrentStreams() < 0) {
      connectionError(MuxProtocolError.Kind.HANDSHAKE, "invalid Settings " + settings);
      return;
    }
    peerSettings = settings;
    handshakeTimeout.cancel(false);
    ready.trySuccess(settings);
  }

  private void onOpen(MuxFrame.Open open) {
    int id = open.streamId();
    boolean peerParity = role == Role.SERVER ? (id & 1) == 1 : (id & 1) == 0;
    if (id <= 0 || !peerParity || id <= lastPeerStreamId) {
      connectionError(MuxProtocolError.Kind.BAD_STREAM_ID, "bad stream id " + id + " after " + lastPeerStreamId);
      return;
    }
    lastPeerStreamId = id;
    if (goAwaySent) {
      refuse(id, CloseReason.REFUSED, "going away");
    } else if (inboundStreamHandler == null) {
      refuse(id, CloseReason.REFUSED, "this side accepts no streams");
    } else if (peerOpened >= config.maxConcurrentStreams()) {
      refuse(id, CloseReason.OVERLOADED, "max concurrent streams " + config.maxConcurrentStreams());
    } else {
      addStream(id, open.spec(), inboundStreamHandler);
    }
  }

  private void refuse(int id, CloseReason reason, String message) {
    writeFrame(new MuxFrame.Close(id, reason, 0, message));
    scheduleFlush();
  }

  private void onGoAway(MuxFrame.GoAway goAway) {
    goAwayReceived = goAway;
    StreamCloseInfo refused = new StreamCloseInfo(StreamCloseInfo.Origin.REMOTE, CloseReason.REFUSED, 0, "refused by GoAway");
    for (MuxStreamChannel stream : new ArrayList<>(streams.values())) {
      if (isLocallyInitiated(stream.streamId()) && stream.streamId() > goAway.lastStreamId()) {
        stream.onRemoteClose(refused);
      }
    }
    ctx.fireUserEventTriggered(goAway);
    if (goAway.reason() == CloseReason.PROTOCOL_ERROR) {
      ctx.close();
    } else {
      closeIfIdleAfterGoAway();
    }
  }

  // ---- streams ----

  void openStream(OpenStream spec, ChannelHandler handler, Promise<MuxStreamChannel> promise) {
    if (!isAcceptingNewStreams()) {
      promise.tryFailure(new IllegalStateException("mux connection not accepting new streams"));
      return;
    }
    if (locallyOpened >= peerSettings.maxConcurrentStreams()) {
      promise.tryFailure(new IllegalStateException("peer's max concurrent streams reached"));
      return;
    }
    if (nextStreamId <= 0) {
      goAway(CloseReason.NORMAL, "stream ids exhausted");
      promise.tryFailure(new IllegalStateException("stream ids exhausted"));
      return;
    }
    int id = nextStreamId;
    nextStreamId += 2;
    OpenStream withId = shallowCopy(spec).setStreamId(id);
    writeFrame(new MuxFrame.Open(withId));
    scheduleFlush();
    MuxStreamChannel stream = addStream(id, withId, handler);
    if (stream.isOpen()) {
      promise.trySuccess(stream);
    } else {
      promise.tryFailure(new IllegalStateException("stream closed during registration"));
    }
  }

  /**
   * A copy of {@code spec} that shares its field values (strings, the auth frame's bytes, the TLS
   * facts) instead of duplicating them as {@code deepCopy} does: the stream keeps it for as long as
   * it lives, so a deep copy would hold a second auth frame per client. The caller must not change
   * those shared values afterwards (setting a field on its own object is fine).
   */
  private static OpenStream shallowCopy(OpenStream spec) {
    OpenStream copy = new OpenStream();
    for (OpenStream._Fields field : OpenStream._Fields.values()) {
      if (spec.isSet(field)) {
        copy.setFieldValue(field, spec.getFieldValue(field));
      }
    }
    return copy;
  }

  private MuxStreamChannel addStream(int id, OpenStream spec, ChannelHandler handler) {
    MuxStreamChannel stream =
        new MuxStreamChannel(this, id, spec, peerSettings.initialStreamWindow(), config.initialStreamWindow());
    stream.pipeline().addLast(handler);
    streams.put(id, stream);
    if (isLocallyInitiated(id)) {
      locallyOpened++;
    } else {
      peerOpened++;
    }
    // A stream's writability can only change once it has an event loop (Netty fires the event
    // through it), so a parent that is already unwritable is applied as soon as registration
    // succeeds: the listener runs before channelRegistered/channelActive reach the handler.
    ChannelPromise registered = new DefaultChannelPromise(stream, ctx.channel().eventLoop());
    registered.addListener((ChannelFutureListener) f -> {
      if (f.isSuccess()) {
        if (!ctx.channel().isWritable()) {
          stream.onParentWritabilityChanged(false);
        }
      } else {
        log.warn("could not register mux stream {}", stream, f.cause());
        stream.unsafe().closeForcibly();
        streamClosed(stream);
      }
    });
    ctx.channel().eventLoop().register(registered);
    return stream;
  }

  private boolean isLocallyInitiated(int streamId) {
    return (streamId & 1) == (role == Role.CLIENT ? 1 : 0);
  }

  void streamClosed(MuxStreamChannel stream) {
    if (streams.remove(stream.streamId()) != null) {
      if (isLocallyInitiated(stream.streamId())) {
        locallyOpened--;
      } else {
        peerOpened--;
      }
    }
    closeIfIdleAfterGoAway();
  }

  private void closeIfIdleAfterGoAway() {
    if ((goAwaySent || goAwayReceived != null) && streams.isEmpty() && !closed) {
      ctx.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }
  }

  void readCompletePending(MuxStreamChannel stream) {
    readCompletePending.add(stream);
  }

  int localInitialWindow() {
    return config.initialStreamWindow();
  }

  int peerMaxPayload() {
    return peerSettings.maxFrameSize() - CanonicalData.MAX_OVERHEAD;
  }

  Channel channel() {
    return ctx.channel();
  }

  void writeFrame(MuxFrame frame) {
    ctx.write(frame, ctx.voidPromise());
  }

  void scheduleFlush() {
    if (inReadLoop) {
      flushPending = true;
    } else if (!flushScheduled) {
      flushScheduled = true;
      ctx.executor().execute(flushTask);
    }
  }

  private void flushNow() {
    flushPending = false;
    flushScheduled = false;
    ctx.flush();
  }

  // ---- errors ----

  private void connectionError(MuxProtocolError.Kind kind, String message) {
    failConnection(new MuxProtocolError(kind, message));
  }

  private void failConnection(MuxProtocolError error) {
    boolean first = !closed;
    closed = true;
    // Pass the error on before closing: a close may tear the pipeline down before it returns
    // (EmbeddedChannel runs the deregistration at once), and later handlers would never see it.
    ctx.fireUserEventTriggered(error);
    if (first) {
      log.debug("mux protocol error on {}: {}", ctx.channel(), error.message());
      ctx.writeAndFlush(new MuxFrame.GoAway(lastPeerStreamId, CloseReason.PROTOCOL_ERROR, error.message()))
          .addListener(ChannelFutureListener.CLOSE);
    }
  }
}
