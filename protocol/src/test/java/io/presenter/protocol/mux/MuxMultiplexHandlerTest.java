package io.presenter.protocol.mux;

import io.presenter.protocol.testing.TrackingAllocator;
import static io.presenter.protocol.mux.MuxTestSupport.bytesOf;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.Future;
import io.presenter.protocol.mux.MuxMultiplexHandler.Role;
import io.presenter.protocol.mux.thrift.CloseReason;
import io.presenter.protocol.mux.thrift.OpenStream;
import io.presenter.protocol.mux.thrift.TlsInfo;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The connection state machine with frames as objects: an EmbeddedChannel holding only a {@link
 * MuxMultiplexHandler} (plus a recorder of the user events it passes on). Frames the handler sends
 * are read with {@code readOutbound()}; streams' writes are flushed by tasks, hence {@code
 * runPendingTasks()} before reading.
 */
class MuxMultiplexHandlerTest {
  private static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(5);
  private static final MuxConfig CONFIG = MuxConfig.defaults("self").withHandshakeTimeout(HANDSHAKE_TIMEOUT);
  private static final MuxFrame.Settings PEER = new MuxFrame.Settings(1, 65536, 65536, 100_000, "peer");

  private final TrackingAllocator alloc = new TrackingAllocator();
  private final List<Object> connectionEvents = new ArrayList<>();
  private final List<StreamRecorder> recorders = new ArrayList<>();
  /** Streams the peer opened, in order, with what their pipelines saw. */
  private final Map<MuxStreamChannel, StreamRecorder> accepted = new LinkedHashMap<>();
  private boolean acceptWithAutoReadOff;
  private EmbeddedChannel channel;
  private MuxMultiplexHandler mux;

  /** The inbound stream handler: one recorder per accepted stream. */
  private final ChannelHandler acceptor = new ChannelInitializer<MuxStreamChannel>() {
    @Override
    protected void initChannel(MuxStreamChannel stream) {
      if (acceptWithAutoReadOff) {
        stream.config().setAutoRead(false);
      }
      StreamRecorder recorder = recorder();
      accepted.put(stream, recorder);
      stream.pipeline().addLast(recorder);
    }
  };

  @AfterEach
  void tearDown() {
    if (channel != null) {
      channel.finishAndReleaseAll();
    }
    alloc.assertAllReleased();
    for (StreamRecorder r : recorders) {
      assertThat(r.exceptions).as("exceptions in a stream pipeline").isEmpty();
    }
  }

  // ---- fixtures ----

  private void connect(Role role, MuxConfig config, ChannelHandler inbound) {
    mux = new MuxMultiplexHandler(config, role, inbound);
    channel = new EmbeddedChannel(mux, new ChannelInboundHandlerAdapter() {
      @Override
      public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        connectionEvents.add(evt);
      }
    });
    assertThat(nextFrame()).as("first frame sent").isEqualTo(config.toSettings());
  }

  private void handshake(MuxFrame.Settings peer) {
    channel.writeInbound(peer);
    assertThat(mux.ready().isSuccess()).isTrue();
    assertNoMoreFrames();
  }

  /** The accepting side (chat server) with the recording acceptor, handshake done. */
  private void server(MuxConfig config) {
    connect(Role.SERVER, config, acceptor);
    handshake(PEER);
  }

  /** The connecting side (gateway), which accepts no streams, handshake done. */
  private void client(MuxFrame.Settings peer) {
    connect(Role.CLIENT, CONFIG, null);
    handshake(peer);
  }

  private StreamRecorder recorder() {
    StreamRecorder r = new StreamRecorder();
    recorders.add(r);
    return r;
  }

  /** The peer opens stream {@code id}; returns the stream the acceptor saw. */
  private MuxStreamChannel peerOpens(int id) {
    int before = accepted.size();
    channel.writeInbound(new MuxFrame.Open(new OpenStream().setStreamId(id).setCoupleId("c" + id)));
    assertThat(accepted).hasSize(before + 1);
    MuxStreamChannel stream = new ArrayList<>(accepted.keySet()).get(before);
    assertThat(stream.streamId()).isEqualTo(id);
    return stream;
  }

  /** Opens a stream from this side through the bootstrap and checks the Open frame it sent. */
  private MuxStreamChannel open(StreamRecorder recorder, int expectedId) {
    Future<MuxStreamChannel> future =
        new MuxStreamChannelBootstrap(channel).handler(recorder).open(new OpenStream().setCoupleId("couple"));
    assertThat(future.isSuccess()).as("open: %s", future.cause()).isTrue();
    MuxStreamChannel stream = future.getNow();
    assertThat(stream.streamId()).isEqualTo(expectedId);
    assertThat(nextFrame()).isEqualTo(new MuxFrame.Open(new OpenStream().setStreamId(expectedId).setCoupleId("couple")));
    return stream;
  }

  /** The next frame this side sent, after running pending flush tasks; null if none. */
  private MuxFrame nextFrame() {
    channel.runPendingTasks();
    for (;;) {
      Object o = channel.readOutbound();
      if (o == null) {
        return null;
      }
      if (o instanceof ByteBuf empty && !empty.isReadable()) {
        // The empty flush that closes the connection after GoAway: not a frame.
        empty.release();
        continue;
      }
      return (MuxFrame) o;
    }
  }

  private void assertNoMoreFrames() {
    assertThat(nextFrame()).isNull();
  }

  /** The next frame must be Data on {@code streamId}; returns its payload (and releases it). */
  private byte[] nextData(int streamId) {
    MuxFrame frame = nextFrame();
    assertThat(frame).isInstanceOf(MuxFrame.Data.class);
    MuxFrame.Data data = (MuxFrame.Data) frame;
    try {
      assertThat(data.streamId()).isEqualTo(streamId);
      return bytesOf(data.content());
    } finally {
      data.release();
    }
  }

  private String nextAsciiData(int streamId) {
    return new String(nextData(streamId), US_ASCII);
  }

  private MuxFrame.Data data(int streamId, String ascii) {
    return new MuxFrame.Data(streamId, alloc.ascii(ascii));
  }

  private MuxFrame.Data data(int streamId, int size) {
    return new MuxFrame.Data(streamId, alloc.bytes(new byte[size]));
  }

  private void assertConnectionFailed(MuxProtocolError.Kind kind, int lastStreamId) {
    MuxFrame frame = nextFrame();
    assertThat(frame).isInstanceOfSatisfying(MuxFrame.GoAway.class, g -> {
      assertThat(g.reason()).isEqualTo(CloseReason.PROTOCOL_ERROR);
      assertThat(g.lastStreamId()).isEqualTo(lastStreamId);
    });
    assertNoMoreFrames();
    assertThat(channel.isOpen()).as("connection open").isFalse();
    assertThat(connectionEvents)
        .filteredOn(MuxProtocolError.class::isInstance)
        .singleElement()
        .extracting(e -> ((MuxProtocolError) e).kind())
        .isEqualTo(kind);
    assertThat(mux.isAcceptingNewStreams()).isFalse();
  }

  // ---- handshake ----

  @Test
  void sendsSettingsFirstAndIsReadyOnThePeersSettings() {
    connect(Role.CLIENT, CONFIG, null);
    assertThat(mux.ready().isDone()).isFalse();
    assertThat(mux.isAcceptingNewStreams()).isFalse();
    assertThat(new MuxStreamChannelBootstrap(channel).handler(recorder()).open(new OpenStream()).cause())
        .isInstanceOf(IllegalStateException.class);
    assertNoMoreFrames();

    channel.writeInbound(PEER);
    assertThat(mux.ready().getNow()).isEqualTo(PEER);
    assertThat(mux.peerSettings()).isEqualTo(PEER);
    assertThat(mux.isAcceptingNewStreams()).isTrue();
    assertThat(channel.isActive()).isTrue();
    assertNoMoreFrames();
  }

  private MuxFrame sample(String kind, int streamId) {
    return switch (kind) {
      case "data" -> data(streamId, "early");
      case "open" -> new MuxFrame.Open(new OpenStream().setStreamId(streamId));
      case "windowUpdate" -> new MuxFrame.WindowUpdate(streamId, 100);
      case "close" -> new MuxFrame.Close(streamId, CloseReason.NORMAL, 0, null);
      case "ping" -> new MuxFrame.Ping(1);
      case "pong" -> new MuxFrame.Pong(1);
      case "goAway" -> new MuxFrame.GoAway(0, CloseReason.NORMAL, null);
      default -> throw new IllegalArgumentException(kind);
    };
  }

  @ParameterizedTest
  @ValueSource(strings = {"data", "open", "windowUpdate", "close", "ping", "pong", "goAway"})
  void firstFrameOtherThanSettingsFailsTheHandshake(String kind) {
    connect(Role.SERVER, CONFIG, acceptor);
    MuxFrame early = sample(kind, 1);
    channel.writeInbound(early);
    assertConnectionFailed(MuxProtocolError.Kind.HANDSHAKE, 0);
    assertThat(accepted).isEmpty();
    assertThat(mux.ready().cause()).isNotNull();
    if (early instanceof MuxFrame.Data data) {
      assertThat(data.refCnt()).isZero();
    }
  }

  @Test
  void secondSettingsFailsTheConnection() {
    server(CONFIG);
    channel.writeInbound(PEER);
    assertConnectionFailed(MuxProtocolError.Kind.HANDSHAKE, 0);
  }

  @ParameterizedTest
  @CsvSource({"0, 65536", "2, 65536", "-1, 65536", "1, 1023", "1, 0", "1, -65536"})
  void unsupportedVersionOrTooSmallFrameSizeFailsTheHandshake(int version, int maxFrameSize) {
    connect(Role.CLIENT, CONFIG, null);
    channel.writeInbound(new MuxFrame.Settings(version, maxFrameSize, 65536, 100, "peer"));
    assertConnectionFailed(MuxProtocolError.Kind.HANDSHAKE, 0);
    assertThat(mux.ready().isSuccess()).isFalse();
  }

  @Test
  void smallestAllowedFrameSizeIsAccepted() {
    connect(Role.CLIENT, CONFIG, null);
    handshake(new MuxFrame.Settings(1, MuxConfig.MIN_MAX_FRAME_SIZE, 65536, 100, null));
    assertThat(channel.isOpen()).isTrue();
  }

  @Test
  void noSettingsWithinTheHandshakeTimeoutFailsTheConnection() {
    connect(Role.CLIENT, CONFIG, null);
    // Real time would otherwise keep running under the virtual clock on a busy machine.
    channel.freezeTime();
    channel.advanceTimeBy(HANDSHAKE_TIMEOUT.toMillis() - 100, TimeUnit.MILLISECONDS);
    channel.runScheduledPendingTasks();
    assertNoMoreFrames();
    assertThat(channel.isOpen()).isTrue();

    channel.advanceTimeBy(100, TimeUnit.MILLISECONDS);
    channel.runScheduledPendingTasks();
    assertConnectionFailed(MuxProtocolError.Kind.HANDSHAKE, 0);
    assertThat(mux.ready().cause()).isNotNull();
  }

  @Test
  void settingsInTimeCancelsTheHandshakeTimeout() {
    client(PEER);
    channel.advanceTimeBy(1, TimeUnit.HOURS);
    channel.runScheduledPendingTasks();
    assertNoMoreFrames();
    assertThat(channel.isOpen()).isTrue();
    assertThat(connectionEvents).isEmpty();
  }

  @Test
  void decoderErrorIsAnsweredWithGoAwayAndPassedOn() {
    server(CONFIG);
    MuxStreamChannel stream = peerOpens(1);
    MuxProtocolError error = new MuxProtocolError(MuxProtocolError.Kind.BAD_FRAME, "garbage");
    channel.pipeline().fireUserEventTriggered(error);
    assertConnectionFailed(MuxProtocolError.Kind.BAD_FRAME, 1);
    assertThat(connectionEvents).containsExactly(error);
    assertThat(stream.closeInfo().origin()).isEqualTo(StreamCloseInfo.Origin.CONNECTION_LOST);
  }

  // ---- streams the peer opens ----

  @Test
  void peerOpenCreatesAnActiveStreamCarryingTheOpenSpec() {
    server(CONFIG);
    OpenStream spec = new OpenStream()
        .setStreamId(1)
        .setUserId("u1")
        .setCoupleId("c1")
        .setDeviceId("d1")
        .setClientAddress("203.0.113.9")
        .setClientPort(50123)
        .setTls(new TlsInfo().setProtocol("TLSv1.3").setResumed(false))
        .setRingVersion(17)
        .setAuthFrame(new byte[] {1, 2, 3})
        .setReopenCount(0);
    channel.writeInbound(new MuxFrame.Open(spec));

    assertThat(accepted).hasSize(1);
    MuxStreamChannel stream = accepted.keySet().iterator().next();
    assertThat(stream.isRegistered()).isTrue();
    assertThat(stream.isActive()).isTrue();
    assertThat(stream.parent()).isSameAs(channel);
    assertThat(stream.streamId()).isEqualTo(1);
    assertThat(stream.openSpec()).isEqualTo(spec);
    assertThat(stream.remoteAddress()).isEqualTo(InetSocketAddress.createUnresolved("203.0.113.9", 50123));
    assertThat(stream.closeInfo()).isNull();
    assertThat(accepted.get(stream).events).containsExactly("active");
    assertThat(mux.activeStreams()).isEqualTo(1);
    assertNoMoreFrames(); // opening is not acknowledged
  }

  @Test
  void dataFlowsBothWays() {
    server(CONFIG);
    MuxStreamChannel stream = peerOpens(1);
    StreamRecorder recorder = accepted.get(stream);

    channel.writeInbound(data(1, "hello"), data(1, " world"));
    assertThat(recorder.events).containsExactly("active", "read:hello", "read: world", "readComplete");

    ChannelFuture write = stream.writeAndFlush(alloc.ascii("pong"));
    assertThat(nextAsciiData(1)).isEqualTo("pong");
    assertThat(write.isSuccess()).isTrue();
    assertNoMoreFrames(); // 11 bytes is far below half the window: no WindowUpdate yet
  }

  @Test
  void payloadChunksNeverExceedThePeersMaxFrameSizeMinusOverhead() {
    int peerMaxFrame = MuxConfig.MIN_MAX_FRAME_SIZE;
    client(new MuxFrame.Settings(1, peerMaxFrame, 1 << 20, 100, "peer"));
    MuxStreamChannel stream = open(recorder(), 1);
    byte[] payload = new byte[5000];
    new Random(5).nextBytes(payload);
    stream.writeAndFlush(alloc.bytes(payload));

    ByteArrayOutputStream sent = new ByteArrayOutputStream();
    List<Integer> chunks = new ArrayList<>();
    for (MuxFrame f; (f = nextFrame()) != null; ) {
      MuxFrame.Data data = (MuxFrame.Data) f;
      chunks.add(data.content().readableBytes());
      sent.writeBytes(bytesOf(data.content()));
      ByteBuf wire = MuxFrameEncoder.encode(alloc, data); // consumes the payload
      assertThat(wire.getInt(0)).isLessThanOrEqualTo(peerMaxFrame);
      wire.release();
    }
    assertThat(chunks).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(peerMaxFrame - 15));
    assertThat(chunks).hasSize(5);
    assertThat(sent.toByteArray()).isEqualTo(payload);
  }

  // ---- flow control ----

  @Test
  void sendingStopsAtThePeersCreditAndResumesOnWindowUpdate() {
    client(new MuxFrame.Settings(1, 65536, 100, 100, "peer"));
    StreamRecorder recorder = recorder();
    MuxStreamChannel stream = open(recorder, 1);
    assertThat(stream.sendCredit()).isEqualTo(100);
    assertThat(stream.isWritable()).isTrue();

    ChannelFuture write = stream.writeAndFlush(alloc.bytes(new byte[250]));
    assertThat(nextData(1)).hasSize(100);
    assertNoMoreFrames();
    assertThat(stream.sendCredit()).isZero();
    assertThat(stream.isWritable()).isFalse();
    assertThat(write.isDone()).isFalse();

    channel.writeInbound(new MuxFrame.WindowUpdate(1, 60));
    assertThat(nextData(1)).hasSize(60);
    assertNoMoreFrames();
    assertThat(stream.isWritable()).isFalse();
    assertThat(write.isDone()).isFalse();

    channel.writeInbound(new MuxFrame.WindowUpdate(1, 200));
    assertThat(nextData(1)).hasSize(90);
    assertNoMoreFrames();
    assertThat(stream.sendCredit()).isEqualTo(110);
    assertThat(stream.isWritable()).isTrue();
    assertThat(write.isSuccess()).isTrue();
    // Every change is notified; Netty delivers these events after the task that caused them, so
    // each records the writability at delivery (the second, "became writable", comes after the
    // 60 bytes used the credit up again).
    assertThat(recorder.events)
        .filteredOn(e -> e.startsWith("writable"))
        .hasSize(4)
        .startsWith("writable=false")
        .endsWith("writable=true");
  }

  @Test
  void windowUpdateIsSentWhenHalfTheWindowHasBeenConsumed() {
    server(CONFIG.withInitialStreamWindow(1000));
    peerOpens(1);
    channel.writeInbound(data(1, 400));
    channel.writeInbound(data(1, 99));
    assertNoMoreFrames();
    channel.writeInbound(data(1, 1));
    assertThat(nextFrame()).isEqualTo(new MuxFrame.WindowUpdate(1, 500));
    assertNoMoreFrames();
    channel.writeInbound(data(1, 499));
    assertNoMoreFrames();
    channel.writeInbound(data(1, 1));
    assertThat(nextFrame()).isEqualTo(new MuxFrame.WindowUpdate(1, 500));
    // The peer has used 1000 of 2000 bytes granted so far: a full window's worth may follow.
    channel.writeInbound(data(1, 1000));
    assertThat(nextFrame()).isEqualTo(new MuxFrame.WindowUpdate(1, 1000));
    assertThat(accepted.values().iterator().next().received.size()).isEqualTo(2000);
  }

  @Test
  void dataBeyondCreditClosesTheStreamWithFlowControlError() {
    server(CONFIG.withInitialStreamWindow(100));
    MuxStreamChannel stream = peerOpens(1);
    channel.writeInbound(data(1, 40));
    MuxFrame.Data tooMuch = data(1, 61);
    channel.writeInbound(tooMuch);

    assertThat(nextFrame()).isInstanceOfSatisfying(MuxFrame.Close.class, c -> {
      assertThat(c.streamId()).isEqualTo(1);
      assertThat(c.reason()).isEqualTo(CloseReason.FLOW_CONTROL_ERROR);
    });
    assertNoMoreFrames();
    assertThat(tooMuch.refCnt()).isZero();
    assertThat(stream.isOpen()).isFalse();
    assertThat(stream.closeInfo().origin()).isEqualTo(StreamCloseInfo.Origin.LOCAL);
    assertThat(stream.closeInfo().reason()).isEqualTo(CloseReason.FLOW_CONTROL_ERROR);
    assertThat(accepted.get(stream).received.size()).isEqualTo(40);
    assertThat(channel.isOpen()).as("only the stream ends").isTrue();

    channel.writeInbound(data(1, 1));
    assertThat(mux.discardedFrames()).isEqualTo(1);
    assertNoMoreFrames();
  }

  @Test
  void queuedDataCountsAgainstCreditAndIsReleasedOnFlowControlError() {
    acceptWithAutoReadOff = true;
    server(CONFIG.withInitialStreamWindow(100));
    MuxStreamChannel stream = peerOpens(1);
    MuxFrame.Data queued = data(1, 60);
    MuxFrame.Data tooMuch = data(1, 41);
    channel.writeInbound(queued, tooMuch);

    assertThat(nextFrame()).isInstanceOfSatisfying(MuxFrame.Close.class,
        c -> assertThat(c.reason()).isEqualTo(CloseReason.FLOW_CONTROL_ERROR));
    assertThat(queued.refCnt()).isZero();
    assertThat(tooMuch.refCnt()).isZero();
    assertThat(stream.isOpen()).isFalse();
    assertThat(accepted.get(stream).received.size()).isZero();
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -1, Integer.MIN_VALUE, Integer.MAX_VALUE - 65535, Integer.MAX_VALUE})
  void invalidWindowUpdateClosesTheStreamWithFlowControlError(int increment) {
    client(PEER); // credit starts at 65536, so MAX_VALUE - 65535 overflows by one
    MuxStreamChannel stream = open(recorder(), 1);
    channel.writeInbound(new MuxFrame.WindowUpdate(1, increment));
    assertThat(nextFrame()).isInstanceOfSatisfying(MuxFrame.Close.class, c -> {
      assertThat(c.streamId()).isEqualTo(1);
      assertThat(c.reason()).isEqualTo(CloseReason.FLOW_CONTROL_ERROR);
    });
    assertThat(stream.isOpen()).isFalse();
    assertThat(channel.isOpen()).isTrue();
  }

  @Test
  void windowUpdateUpToTheLargestCreditIsAccepted() {
    client(PEER);
    MuxStreamChannel stream = open(recorder(), 1);
    channel.writeInbound(new MuxFrame.WindowUpdate(1, Integer.MAX_VALUE - 65536));
    assertNoMoreFrames();
    assertThat(stream.sendCredit()).isEqualTo(Integer.MAX_VALUE);
    assertThat(stream.isOpen()).isTrue();
  }

  @Test
  void withAutoReadOffDataWaitsForReadAndEarnsNoCreditWhileQueued() {
    acceptWithAutoReadOff = true;
    server(CONFIG.withInitialStreamWindow(1000));
    MuxStreamChannel stream = peerOpens(1);
    StreamRecorder recorder = accepted.get(stream);

    channel.writeInbound(data(1, "a".repeat(300)), data(1, "b".repeat(300)));
    assertThat(recorder.events).containsExactly("active");
    assertNoMoreFrames(); // 600 bytes received, more than half the window, but none consumed

    stream.read();
    assertThat(recorder.events)
        .containsExactly("active", "read:" + "a".repeat(300), "read:" + "b".repeat(300), "readComplete");
    assertThat(nextFrame()).isEqualTo(new MuxFrame.WindowUpdate(1, 600));
    assertNoMoreFrames();

    // Each read() delivers what is there; later data waits for the next one.
    channel.writeInbound(data(1, "c"));
    assertThat(recorder.events).hasSize(4);
    stream.read();
    assertThat(recorder.events).endsWith("read:c", "readComplete");

    // A read() with nothing queued is satisfied by the next Data.
    stream.read();
    channel.writeInbound(data(1, "d"));
    assertThat(recorder.events).endsWith("read:d", "readComplete");
    channel.writeInbound(data(1, "e"));
    assertThat(recorder.events).endsWith("read:d", "readComplete");
    stream.read();
    assertThat(recorder.events).endsWith("read:e", "readComplete");
  }

  // ---- closing ----

  @Test
  void discardAndCloseEndsAStreamWhoseReaderNeverReads() {
    acceptWithAutoReadOff = true;
    server(CONFIG);
    MuxStreamChannel stream = peerOpens(1);
    MuxFrame.Data queued = data(1, "never read");
    channel.writeInbound(queued, new MuxFrame.Close(1, CloseReason.OVERLOADED, 0, null));
    assertThat(stream.isOpen()).isTrue();
    stream.discardAndClose();
    channel.runPendingTasks();
    assertThat(stream.isOpen()).isFalse();
    assertThat(queued.refCnt()).as("the queued payload was released").isZero();
    assertThat(stream.closeInfo().reason()).isEqualTo(CloseReason.OVERLOADED);
    assertNoMoreFrames();
  }

  @Test
  void remoteCloseDeliversQueuedDataFirstAndIsNotAnswered() {
    acceptWithAutoReadOff = true;
    server(CONFIG);
    MuxStreamChannel stream = peerOpens(1);
    StreamRecorder recorder = accepted.get(stream);

    channel.writeInbound(data(1, "a"), data(1, "b"), new MuxFrame.Close(1, CloseReason.MOVED, 7, "moved to chat-2"));
    assertThat(stream.isOpen()).as("open until the queued data is read").isTrue();
    StreamCloseInfo info = new StreamCloseInfo(StreamCloseInfo.Origin.REMOTE, CloseReason.MOVED, 7, "moved to chat-2");
    // The pipeline hears of the Close at once (so a reader that never reads can give up).
    assertThat(recorder.events).containsExactly("active", "event:" + info);

    stream.read();
    channel.runPendingTasks();
    assertThat(recorder.events).containsExactly("active", "event:" + info, "read:a", "read:b", "readComplete", "inactive");
    assertThat(stream.closeInfo()).isEqualTo(info);
    assertThat(recorder.closeInfoAtInactive).isEqualTo(info);
    assertThat(info.shouldReroute()).isTrue();
    assertThat(mux.activeStreams()).isZero();
    assertNoMoreFrames(); // neither a Close back nor credit for a closed stream

    stream.close();
    assertNoMoreFrames();
  }

  @Test
  void framesAfterThePeersCloseAreDiscardedWhileQueuedDataIsStillRead() {
    acceptWithAutoReadOff = true;
    server(CONFIG);
    MuxStreamChannel stream = peerOpens(1);
    MuxFrame.Data afterClose = data(1, "b");
    channel.writeInbound(
        data(1, "a"),
        new MuxFrame.Close(1, CloseReason.NORMAL, 0, null),
        afterClose,
        new MuxFrame.WindowUpdate(1, 5),
        new MuxFrame.Close(1, CloseReason.MOVED, 0, null));
    assertThat(mux.discardedFrames()).isEqualTo(3);
    assertThat(afterClose.refCnt()).isZero();
    assertThat(stream.sendCredit()).isEqualTo(PEER.initialStreamWindow());

    stream.read();
    channel.runPendingTasks();
    StreamCloseInfo info = new StreamCloseInfo(StreamCloseInfo.Origin.REMOTE, CloseReason.NORMAL, 0, null);
    assertThat(accepted.get(stream).events).containsExactly("active", "event:" + info, "read:a", "readComplete", "inactive");
    assertThat(stream.closeInfo().reason()).isEqualTo(CloseReason.NORMAL);
    assertNoMoreFrames();
  }

  @Test
  void remoteCloseAfterDataInTheSameReadDeliversTheDataFirst() {
    server(CONFIG);
    MuxStreamChannel stream = peerOpens(1);
    channel.writeInbound(data(1, "last words"), new MuxFrame.Close(1, CloseReason.NORMAL, 0, null));
    channel.runPendingTasks();
    assertThat(accepted.get(stream).events).containsExactly("active", "read:last words", "readComplete", "inactive");
    assertThat(stream.closeInfo())
        .isEqualTo(new StreamCloseInfo(StreamCloseInfo.Origin.REMOTE, CloseReason.NORMAL, 0, null));
    assertNoMoreFrames();
  }

  @Test
  void remoteCloseFailsWritesStillWaitingForCredit() {
    client(new MuxFrame.Settings(1, 65536, 10, 100, "peer"));
    MuxStreamChannel stream = open(recorder(), 1);
    ByteBuf payload = alloc.bytes(new byte[30]);
    ChannelFuture write = stream.writeAndFlush(payload);
    assertThat(nextData(1)).hasSize(10);

    channel.writeInbound(new MuxFrame.Close(1, CloseReason.CLIENT_GONE, 0, null));
    channel.runPendingTasks();
    assertThat(write.cause()).isInstanceOf(ClosedChannelException.class);
    assertThat(payload.refCnt()).isZero();
    assertThat(stream.closeInfo().reason()).isEqualTo(CloseReason.CLIENT_GONE);
    assertNoMoreFrames();
  }

  @Test
  void localCloseSendsNormalOrTheGivenReason() {
    server(CONFIG);
    MuxStreamChannel first = peerOpens(1);
    MuxStreamChannel second = peerOpens(3);

    assertThat(first.close().isSuccess()).isTrue();
    assertThat(nextFrame()).isEqualTo(new MuxFrame.Close(1, CloseReason.NORMAL, 0, null));
    assertThat(first.closeInfo()).isEqualTo(new StreamCloseInfo(StreamCloseInfo.Origin.LOCAL, CloseReason.NORMAL, 0, null));
    assertThat(first.closeInfo().shouldReroute()).isFalse();

    second.close(CloseReason.MOVED, 42, "ring 42 says chat-9");
    assertThat(nextFrame()).isEqualTo(new MuxFrame.Close(3, CloseReason.MOVED, 42, "ring 42 says chat-9"));
    assertThat(second.closeInfo())
        .isEqualTo(new StreamCloseInfo(StreamCloseInfo.Origin.LOCAL, CloseReason.MOVED, 42, "ring 42 says chat-9"));
    channel.runPendingTasks();
    assertThat(accepted.get(second).events).endsWith("inactive");
    assertThat(mux.activeStreams()).isZero();

    first.close();
    second.close(CloseReason.DRAINING, 0, null);
    assertNoMoreFrames(); // closing twice sends nothing

    MuxFrame.Data late = data(1, "late");
    channel.writeInbound(late);
    assertThat(late.refCnt()).isZero();
    assertThat(mux.discardedFrames()).isEqualTo(1);
    assertThat(channel.isOpen()).isTrue();
  }

  @Test
  void closesCrossingInFlightAreNotErrors() {
    server(CONFIG);
    MuxStreamChannel stream = peerOpens(1);
    stream.close();
    assertThat(nextFrame()).isEqualTo(new MuxFrame.Close(1, CloseReason.NORMAL, 0, null));

    channel.writeInbound(new MuxFrame.Close(1, CloseReason.NORMAL, 0, null));
    assertThat(mux.discardedFrames()).isEqualTo(1);
    assertNoMoreFrames();
    assertThat(channel.isOpen()).isTrue();
    assertThat(stream.closeInfo().origin()).isEqualTo(StreamCloseInfo.Origin.LOCAL);
    assertThat(connectionEvents).isEmpty();
  }

  // ---- streams this side opens ----

  @Test
  void clientOpensOddIdsAndLeavesTheSpecItWasGivenAlone() {
    client(PEER);
    OpenStream spec = new OpenStream().setCoupleId("couple-1").setAuthFrame(new byte[] {9, 9});
    List<Integer> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      StreamRecorder recorder = recorder();
      Future<MuxStreamChannel> future = new MuxStreamChannelBootstrap(channel).handler(recorder).open(spec);
      MuxStreamChannel stream = future.getNow();
      ids.add(stream.streamId());
      assertThat(stream.isActive()).isTrue();
      assertThat(recorder.events).containsExactly("active");
      OpenStream expected = spec.deepCopy().setStreamId(stream.streamId());
      assertThat(stream.openSpec()).isEqualTo(expected);
      assertThat(nextFrame()).isEqualTo(new MuxFrame.Open(expected));
    }
    assertThat(ids).containsExactly(1, 3, 5);
    assertThat(spec.isSetStreamId()).isFalse();
    assertThat(mux.activeStreams()).isEqualTo(3);
  }

  @Test
  void serverOpensEvenIds() {
    server(CONFIG);
    open(recorder(), 2);
    open(recorder(), 4);
  }

  @Test
  void openFailsAtThePeersStreamLimit() {
    client(new MuxFrame.Settings(1, 65536, 65536, 2, "peer"));
    MuxStreamChannel first = open(recorder(), 1);
    open(recorder(), 3);
    Future<MuxStreamChannel> third = new MuxStreamChannelBootstrap(channel).handler(recorder()).open(new OpenStream());
    assertThat(third.cause()).isInstanceOf(IllegalStateException.class);
    assertNoMoreFrames();

    first.close();
    assertThat(nextFrame()).isInstanceOf(MuxFrame.Close.class);
    open(recorder(), 5);
  }

  // ---- stream ids and refusals ----

  @ParameterizedTest
  @CsvSource({
    "SERVER, 2", // the server's own parity
    "SERVER, 0",
    "SERVER, -1",
    "SERVER, 1 1", // reused
    "SERVER, 5 3", // going backwards
    "CLIENT, 1",
    "CLIENT, 4 2",
  })
  void badPeerStreamIdFailsTheConnection(Role role, String ids) {
    connect(role, CONFIG, acceptor);
    handshake(PEER);
    int[] opens = Arrays.stream(ids.split(" ")).mapToInt(Integer::parseInt).toArray();
    for (int i = 0; i < opens.length - 1; i++) {
      peerOpens(opens[i]);
    }
    channel.writeInbound(new MuxFrame.Open(new OpenStream().setStreamId(opens[opens.length - 1])));
    int lastGood = opens.length > 1 ? opens[opens.length - 2] : 0;
    assertConnectionFailed(MuxProtocolError.Kind.BAD_STREAM_ID, lastGood);
    assertThat(accepted).hasSize(opens.length - 1);
    for (MuxStreamChannel stream : accepted.keySet()) {
      assertThat(stream.closeInfo().origin()).isEqualTo(StreamCloseInfo.Origin.CONNECTION_LOST);
    }
  }

  @Test
  void sideWithoutInboundHandlerRefusesStreams() {
    client(PEER); // the gateway accepts no streams
    channel.writeInbound(new MuxFrame.Open(new OpenStream().setStreamId(2)));
    assertThat(nextFrame()).isInstanceOfSatisfying(MuxFrame.Close.class, c -> {
      assertThat(c.streamId()).isEqualTo(2);
      assertThat(c.reason()).isEqualTo(CloseReason.REFUSED);
    });
    assertThat(mux.activeStreams()).isZero();
    // The refused id still counts as used.
    channel.writeInbound(new MuxFrame.Open(new OpenStream().setStreamId(2)));
    assertConnectionFailed(MuxProtocolError.Kind.BAD_STREAM_ID, 2);
  }

  @Test
  void streamsAboveMaxConcurrentStreamsAreRefusedAsOverloaded() {
    server(CONFIG.withMaxConcurrentStreams(2));
    MuxStreamChannel first = peerOpens(1);
    peerOpens(3);
    channel.writeInbound(new MuxFrame.Open(new OpenStream().setStreamId(5)));
    assertThat(nextFrame()).isInstanceOfSatisfying(MuxFrame.Close.class, c -> {
      assertThat(c.streamId()).isEqualTo(5);
      assertThat(c.reason()).isEqualTo(CloseReason.OVERLOADED);
    });
    assertThat(accepted).hasSize(2);

    first.close();
    assertThat(nextFrame()).isEqualTo(new MuxFrame.Close(1, CloseReason.NORMAL, 0, null));
    peerOpens(7);
    assertThat(mux.activeStreams()).isEqualTo(2);
  }

  // ---- GoAway ----

  @Test
  void goAwayReceivedRefusesLocalStreamsAboveItsLastIdAndClosesWhenTheRestEnd() {
    client(PEER);
    StreamRecorder r1 = recorder();
    StreamRecorder r3 = recorder();
    StreamRecorder r5 = recorder();
    MuxStreamChannel s1 = open(r1, 1);
    MuxStreamChannel s3 = open(r3, 3);
    MuxStreamChannel s5 = open(r5, 5);

    MuxFrame.GoAway goAway = new MuxFrame.GoAway(3, CloseReason.DRAINING, "deploy");
    channel.writeInbound(goAway);
    channel.runPendingTasks();
    assertThat(connectionEvents).containsExactly(goAway);
    assertThat(s5.isOpen()).isFalse();
    assertThat(s5.closeInfo()).isEqualTo(new StreamCloseInfo(StreamCloseInfo.Origin.REMOTE, CloseReason.REFUSED, 0, "refused by GoAway"));
    assertThat(s5.closeInfo().shouldReroute()).isTrue();
    assertThat(r5.events).endsWith("inactive");
    assertThat(s1.isOpen()).isTrue();
    assertThat(s3.isOpen()).isTrue();
    assertNoMoreFrames(); // no Close for the refused stream

    assertThat(mux.isAcceptingNewStreams()).isFalse();
    assertThat(new MuxStreamChannelBootstrap(channel).handler(recorder()).open(new OpenStream()).cause())
        .isInstanceOf(IllegalStateException.class);

    // Streams up to lastStreamId carry on.
    s1.writeAndFlush(alloc.ascii("still here"));
    assertThat(nextAsciiData(1)).isEqualTo("still here");
    channel.writeInbound(data(3, "me too"));
    assertThat(r3.events).contains("read:me too");

    s1.close();
    assertThat(nextFrame()).isEqualTo(new MuxFrame.Close(1, CloseReason.NORMAL, 0, null));
    assertThat(channel.isOpen()).isTrue();
    channel.writeInbound(new MuxFrame.Close(3, CloseReason.NORMAL, 0, null));
    channel.runPendingTasks();
    assertThat(channel.isOpen()).as("closed after the last stream").isFalse();
    assertThat(s3.closeInfo().origin()).isEqualTo(StreamCloseInfo.Origin.REMOTE);
  }

  @Test
  void goAwayReceivedLeavesStreamsThePeerOpened() {
    server(CONFIG);
    MuxStreamChannel peers = peerOpens(5);
    MuxStreamChannel ours = open(recorder(), 2);
    MuxStreamChannel refused = open(recorder(), 4);

    channel.writeInbound(new MuxFrame.GoAway(2, CloseReason.DRAINING, null));
    assertThat(refused.closeInfo().reason()).isEqualTo(CloseReason.REFUSED);
    assertThat(ours.isOpen()).isTrue();
    assertThat(peers.isOpen()).as("id 5 > lastStreamId, but the peer opened it").isTrue();
    assertThat(mux.activeStreams()).isEqualTo(2);
    assertNoMoreFrames();
  }

  @Test
  void goAwayReceivedWithNoStreamsClosesTheConnection() {
    client(PEER);
    channel.writeInbound(new MuxFrame.GoAway(0, CloseReason.NORMAL, null));
    channel.runPendingTasks();
    assertThat(channel.isOpen()).isFalse();
    assertNoMoreFrames();
  }

  @Test
  void goAwayForProtocolErrorClosesAtOnce() {
    client(PEER);
    MuxStreamChannel stream = open(recorder(), 1);
    channel.writeInbound(new MuxFrame.GoAway(1, CloseReason.PROTOCOL_ERROR, "you broke it"));
    channel.runPendingTasks();
    assertThat(channel.isOpen()).isFalse();
    assertThat(stream.closeInfo().origin()).isEqualTo(StreamCloseInfo.Origin.CONNECTION_LOST);
    assertThat(stream.closeInfo().reason()).isEqualTo(CloseReason.PROTOCOL_ERROR);
    assertNoMoreFrames();
  }

  @Test
  void goAwaySentRefusesNewStreamsAndClosesAfterTheLastOne() {
    server(CONFIG);
    MuxStreamChannel stream = peerOpens(1);
    mux.goAway(CloseReason.DRAINING, "scale-in");
    assertThat(nextFrame()).isEqualTo(new MuxFrame.GoAway(1, CloseReason.DRAINING, "scale-in"));
    assertThat(mux.isAcceptingNewStreams()).isFalse();

    channel.writeInbound(new MuxFrame.Open(new OpenStream().setStreamId(3)));
    assertThat(nextFrame()).isInstanceOfSatisfying(MuxFrame.Close.class, c -> {
      assertThat(c.streamId()).isEqualTo(3);
      assertThat(c.reason()).isEqualTo(CloseReason.REFUSED);
    });
    assertThat(accepted).hasSize(1);

    channel.writeInbound(data(1, "ping"));
    assertThat(accepted.get(stream).events).contains("read:ping");
    stream.writeAndFlush(alloc.ascii("pong"));
    assertThat(nextAsciiData(1)).isEqualTo("pong");
    assertThat(channel.isOpen()).isTrue();

    stream.close();
    assertThat(nextFrame()).isEqualTo(new MuxFrame.Close(1, CloseReason.NORMAL, 0, null));
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void goAwaySentWithNoStreamsClosesTheConnection() {
    server(CONFIG);
    mux.goAway(CloseReason.DRAINING, null);
    assertThat(nextFrame()).isEqualTo(new MuxFrame.GoAway(0, CloseReason.DRAINING, null));
    assertThat(channel.isOpen()).isFalse();
  }

  // ---- ping ----

  @Test
  void pingIsAnsweredWithPongCarryingTheSameOpaque() {
    server(CONFIG);
    channel.writeInbound(new MuxFrame.Ping(-42));
    assertThat(nextFrame()).isEqualTo(new MuxFrame.Pong(-42));
    assertNoMoreFrames();
  }

  @Test
  void pingCompletesWithTheRoundTripTimeOnPong() {
    client(PEER);
    Future<Long> rtt = mux.ping();
    MuxFrame ping = nextFrame();
    assertThat(ping).isInstanceOf(MuxFrame.Ping.class);
    long opaque = ((MuxFrame.Ping) ping).opaque();

    channel.writeInbound(new MuxFrame.Pong(opaque + 1)); // not ours: ignored
    assertThat(rtt.isDone()).isFalse();
    channel.writeInbound(new MuxFrame.Pong(opaque));
    assertThat(rtt.isSuccess()).isTrue();
    assertThat(rtt.getNow()).isNotNegative();
    assertNoMoreFrames();
  }

  @Test
  void pingFailsBeforeTheHandshakeAndWhenTooManyAreOutstanding() {
    connect(Role.CLIENT, CONFIG, null);
    Future<Long> early = mux.ping();
    channel.runPendingTasks();
    assertThat(early.cause()).isInstanceOf(IllegalStateException.class);
    handshake(PEER);

    List<Future<Long>> pings = new ArrayList<>();
    for (int i = 0; i < 17; i++) {
      pings.add(mux.ping());
    }
    channel.runPendingTasks();
    assertThat(pings.subList(0, 16)).allSatisfy(f -> assertThat(f.isDone()).isFalse());
    assertThat(pings.get(16).cause()).isInstanceOf(IllegalStateException.class);
    for (int i = 0; i < 16; i++) {
      assertThat(nextFrame()).isInstanceOf(MuxFrame.Ping.class);
    }

    channel.close();
    channel.runPendingTasks();
    assertThat(pings.subList(0, 16)).allSatisfy(f -> assertThat(f.cause()).isNotNull());
  }

  // ---- the connection underneath ----

  @Test
  void connectionLossClosesEveryStream() {
    acceptWithAutoReadOff = true;
    server(CONFIG);
    MuxStreamChannel withQueuedData = peerOpens(1);
    MuxFrame.Data queued = data(1, "never read");
    channel.writeInbound(queued);
    MuxStreamChannel own = open(recorder(), 2);

    channel.close();
    channel.runPendingTasks();
    StreamCloseInfo lost =
        new StreamCloseInfo(StreamCloseInfo.Origin.CONNECTION_LOST, CloseReason.INTERNAL_ERROR, 0, "mux connection closed");
    assertThat(withQueuedData.closeInfo()).isEqualTo(lost);
    assertThat(own.closeInfo()).isEqualTo(lost);
    assertThat(lost.shouldReroute()).isTrue();
    assertThat(queued.refCnt()).isZero();
    assertThat(accepted.get(withQueuedData).events).containsExactly("active", "inactive");
    assertThat(mux.activeStreams()).isZero();
    assertNoMoreFrames(); // no Close frames on a dead connection
  }

  @Test
  void streamsFollowTheParentsWritability() {
    server(CONFIG);
    MuxStreamChannel first = peerOpens(1);
    MuxStreamChannel second = peerOpens(3);

    channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(8, 16));
    channel.write(alloc.bytes(new byte[32])); // queued, not flushed: the parent is now unwritable
    assertThat(channel.isWritable()).isFalse();
    assertThat(first.isWritable()).isFalse();
    assertThat(second.isWritable()).isFalse();
    assertThat(accepted.get(first).events).endsWith("writable=false");

    MuxStreamChannel opened = peerOpens(5);
    assertThat(opened.isActive()).isTrue();
    assertThat(accepted.get(opened).writableAtActive).as("a stream opened while the parent is blocked").isFalse();
    assertThat(opened.isWritable()).isFalse();

    channel.flush();
    channel.runPendingTasks();
    assertThat(channel.isWritable()).isTrue();
    assertThat(first.isWritable()).isTrue();
    assertThat(second.isWritable()).isTrue();
    assertThat(opened.isWritable()).isTrue();
    assertThat(accepted.get(first).events).endsWith("writable=false", "writable=true");
    ByteBuf flushed = channel.readOutbound();
    assertThat(flushed.readableBytes()).isEqualTo(32);
    flushed.release();
  }

  // ---- frames out of order ----

  @Test
  void framesForStreamsNeverOpenedAreDiscarded() {
    server(CONFIG);
    MuxFrame.Data stray = data(9, "stray");
    channel.writeInbound(stray, new MuxFrame.WindowUpdate(9, 100), new MuxFrame.Close(9, CloseReason.NORMAL, 0, null));
    channel.writeInbound(data(2, "ours, never opened"));
    assertThat(mux.discardedFrames()).isEqualTo(4);
    assertThat(stray.refCnt()).isZero();
    assertNoMoreFrames();
    assertThat(channel.isOpen()).isTrue();
    assertThat(connectionEvents).isEmpty();
    // Id 9 was never opened, so the peer may still open it.
    peerOpens(9);
  }

  /** Records what a stream's pipeline sees, as short strings, and releases what it reads. */
  static final class StreamRecorder extends ChannelInboundHandlerAdapter {
    final List<String> events = new ArrayList<>();
    final ByteArrayOutputStream received = new ByteArrayOutputStream();
    final List<Throwable> exceptions = new ArrayList<>();
    StreamCloseInfo closeInfoAtInactive;
    boolean writableAtActive;

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      events.add("active");
      writableAtActive = ctx.channel().isWritable();
      ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf buf = (ByteBuf) msg;
      try {
        byte[] bytes = bytesOf(buf);
        received.writeBytes(bytes);
        events.add("read:" + new String(bytes, US_ASCII));
      } finally {
        buf.release();
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      events.add("readComplete");
      ctx.fireChannelReadComplete();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      events.add("writable=" + ctx.channel().isWritable());
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      events.add("inactive");
      closeInfoAtInactive = ((MuxStreamChannel) ctx.channel()).closeInfo();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      events.add("event:" + evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      exceptions.add(cause);
    }
  }
}
