package io.presenter.protocol.mux;

import io.presenter.protocol.testing.TrackingAllocator;
import static io.presenter.protocol.mux.MuxTestSupport.assertSameFrame;
import static io.presenter.protocol.mux.MuxTestSupport.bytesOf;
import static io.presenter.protocol.mux.MuxTestSupport.framed;
import static io.presenter.protocol.mux.MuxTestSupport.libthriftCompact;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.presenter.protocol.mux.thrift.CloseReason;
import io.presenter.protocol.mux.thrift.Data;
import io.presenter.protocol.mux.thrift.OpenStream;
import io.presenter.protocol.mux.thrift.TlsInfo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** decode(encode(f)) == f for thousands of random frames of every kind (fixed seed, reproducible). */
class MuxFrameRoundTripPropertyTest {
  private static final int MAX_FRAME = MuxConfig.DEFAULT_MAX_FRAME_SIZE;
  private static final int FRAMES = 4000;
  private static final int[] INTERESTING_INTS = {
    0, 1, -1, 2, 63, 64, -64, -65, 127, 128, 8191, 8192, Integer.MAX_VALUE, Integer.MIN_VALUE,
    Integer.MAX_VALUE - 1, Integer.MIN_VALUE + 1, 1 << 20, -(1 << 27),
  };
  private static final long[] INTERESTING_LONGS = {0, 1, -1, Long.MAX_VALUE, Long.MIN_VALUE, 1L << 40};

  private final Random random = new Random(0x6D75_7821L);
  private final TrackingAllocator alloc = new TrackingAllocator();
  private EmbeddedChannel channel;

  @BeforeEach
  void setUp() {
    channel = new EmbeddedChannel();
    channel.config().setAllocator(alloc);
    channel.pipeline().addLast(new MuxFrameCodec(MAX_FRAME));
  }

  @AfterEach
  void noLeaks() {
    assertThat(channel.finishAndReleaseAll()).as("messages left unread").isFalse();
    alloc.assertAllReleased();
  }

  @Test
  void everyRandomFrameSurvivesEncodeThenDecode() throws Exception {
    int[] kinds = new int[8];
    for (int i = 0; i < FRAMES; i++) {
      MuxFrame frame = randomFrame();
      kinds[kindIndex(frame)]++;
      byte[] expectedPayload = frame instanceof MuxFrame.Data d ? bytesOf(d.content()) : null;

      assertThat(channel.writeOutbound(frame)).isTrue();
      ByteBuf wire = channel.readOutbound();
      assertThat(wire.getInt(wire.readerIndex()))
          .as("length word of %s", frame)
          .isEqualTo(wire.readableBytes() - 4)
          .isBetween(1, MAX_FRAME);
      if (expectedPayload != null) {
        // The hand-written Data path must match libthrift for every id and size.
        MuxFrame.Data d = (MuxFrame.Data) frame;
        assertThat(bytesOf(wire))
            .as("canonical bytes of %s", frame)
            .isEqualTo(framed(libthriftCompact(io.presenter.protocol.mux.thrift.MuxFrame.data(
                new Data().setStreamId(d.streamId()).setPayload(expectedPayload)))));
      }

      channel.writeInbound(wire);
      MuxFrame decoded = channel.readInbound();
      assertThat(decoded).as("decoded %s", frame).isNotNull();
      if (decoded instanceof MuxFrame.Data data) {
        assertSameFrame(data, new MuxFrame.Data(((MuxFrame.Data) frame).streamId(), Unpooled.wrappedBuffer(expectedPayload)));
        data.release();
      } else {
        assertSameFrame(decoded, frame);
      }
    }
    assertThat(Arrays.stream(kinds).min().getAsInt()).as("fewest frames of one kind").isGreaterThan(FRAMES / 20);
  }

  @Test
  void randomFramesSurviveArbitraryReadBoundaries() {
    List<MuxFrame> expected = new ArrayList<>();
    List<byte[]> payloads = new ArrayList<>();
    ByteBuf stream = alloc.directBuffer();
    for (int i = 0; i < 500; i++) {
      MuxFrame frame = randomFrame();
      expected.add(frame);
      payloads.add(frame instanceof MuxFrame.Data d ? bytesOf(d.content()) : null);
      ByteBuf encoded = MuxFrameEncoder.encode(alloc, frame);
      stream.writeBytes(encoded);
      encoded.release();
    }

    List<MuxFrame> decoded = new ArrayList<>();
    while (stream.isReadable()) {
      int n = Math.min(stream.readableBytes(), 1 + random.nextInt(random.nextBoolean() ? 16 : 70_000));
      channel.writeInbound(stream.readRetainedSlice(n));
      for (Object o; (o = channel.readInbound()) != null; ) {
        decoded.add((MuxFrame) o);
      }
    }
    stream.release();

    assertThat(decoded).hasSize(expected.size());
    for (int i = 0; i < expected.size(); i++) {
      if (payloads.get(i) != null) {
        MuxFrame.Data got = (MuxFrame.Data) decoded.get(i);
        assertThat(got.streamId()).isEqualTo(((MuxFrame.Data) expected.get(i)).streamId());
        assertThat(bytesOf(got.content())).isEqualTo(payloads.get(i));
        got.release();
      } else {
        assertSameFrame(decoded.get(i), expected.get(i));
      }
    }
  }

  // ---- generators ----

  private static int kindIndex(MuxFrame frame) {
    if (frame instanceof MuxFrame.Settings) return 0;
    if (frame instanceof MuxFrame.Open) return 1;
    if (frame instanceof MuxFrame.Data) return 2;
    if (frame instanceof MuxFrame.WindowUpdate) return 3;
    if (frame instanceof MuxFrame.Close) return 4;
    if (frame instanceof MuxFrame.Ping) return 5;
    if (frame instanceof MuxFrame.Pong) return 6;
    return 7;
  }

  private MuxFrame randomFrame() {
    return switch (random.nextInt(8)) {
      case 0 -> new MuxFrame.Settings(anyInt(), anyInt(), anyInt(), anyInt(), maybe(this::anyString));
      case 1 -> new MuxFrame.Open(randomOpen());
      case 2 -> randomData();
      case 3 -> new MuxFrame.WindowUpdate(anyInt(), anyInt());
      case 4 -> new MuxFrame.Close(anyInt(), anyReason(), random.nextBoolean() ? 0 : anyLong(), maybe(this::anyString));
      case 5 -> new MuxFrame.Ping(anyLong());
      case 6 -> new MuxFrame.Pong(anyLong());
      default -> new MuxFrame.GoAway(anyInt(), anyReason(), maybe(this::anyString));
    };
  }

  private MuxFrame.Data randomData() {
    int streamId = anyInt();
    int size = switch (random.nextInt(10)) {
      case 0 -> 0;
      case 1 -> maxPayload(streamId);
      case 2 -> MuxFrameEncoder.COPY_THRESHOLD - 1 + random.nextInt(3);
      case 3 -> random.nextInt(maxPayload(streamId) + 1);
      default -> random.nextInt(600);
    };
    byte[] payload = new byte[size];
    random.nextBytes(payload);
    return new MuxFrame.Data(streamId, alloc.bytes(payload));
  }

  /** The largest payload whose frame is exactly within {@link #MAX_FRAME} for this stream id. */
  private static int maxPayload(int streamId) {
    int fixed = 1 + 1 + varintSize((streamId << 1) ^ (streamId >> 31)) + 1 + 2;
    for (int size = MAX_FRAME - fixed; ; size--) {
      if (fixed + varintSize(size) + size <= MAX_FRAME) {
        return size;
      }
    }
  }

  private static int varintSize(int v) {
    int n = 1;
    while ((v & ~0x7F) != 0) {
      v >>>= 7;
      n++;
    }
    return n;
  }

  private OpenStream randomOpen() {
    OpenStream spec = new OpenStream().setStreamId(anyInt());
    if (random.nextBoolean()) spec.setUserId(anyString());
    if (random.nextBoolean()) spec.setCoupleId(anyString());
    if (random.nextBoolean()) spec.setDeviceId(anyString());
    if (random.nextBoolean()) spec.setClientAddress(anyString());
    if (random.nextBoolean()) spec.setClientPort(anyInt());
    if (random.nextBoolean()) {
      TlsInfo tls = new TlsInfo();
      if (random.nextBoolean()) tls.setProtocol(anyString());
      if (random.nextBoolean()) tls.setCipherSuite(anyString());
      if (random.nextBoolean()) tls.setResumed(random.nextBoolean());
      if (random.nextBoolean()) tls.setServerName(anyString());
      spec.setTls(tls);
    }
    if (random.nextBoolean()) spec.setRingVersion(anyLong());
    if (random.nextBoolean()) {
      byte[] auth = new byte[random.nextInt(300)];
      random.nextBytes(auth);
      spec.setAuthFrame(auth);
    }
    if (random.nextBoolean()) spec.setReopenCount(anyInt());
    return spec;
  }

  private int anyInt() {
    return switch (random.nextInt(3)) {
      case 0 -> INTERESTING_INTS[random.nextInt(INTERESTING_INTS.length)];
      case 1 -> random.nextInt(1000);
      default -> random.nextInt();
    };
  }

  private long anyLong() {
    return random.nextBoolean() ? INTERESTING_LONGS[random.nextInt(INTERESTING_LONGS.length)] : random.nextLong();
  }

  private CloseReason anyReason() {
    CloseReason[] all = CloseReason.values();
    return all[random.nextInt(all.length)];
  }

  private static final int[][] CODE_POINT_RANGES = {
    {0x20, 0x7E}, {0x00, 0x1F}, {0xA0, 0x24F}, {0x370, 0x3FF}, {0x4E00, 0x9FFF}, {0xE000, 0xFFFD},
    {0x1F300, 0x1FAFF}, {0x10000, 0x10FFFF},
  };

  /** Any valid Unicode string (no lone surrogates, which UTF-8 cannot carry), often empty. */
  private String anyString() {
    int length = random.nextInt(5) == 0 ? 0 : random.nextInt(random.nextInt(10) == 0 ? 2000 : 40);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < length; i++) {
      int[] range = CODE_POINT_RANGES[random.nextInt(CODE_POINT_RANGES.length)];
      sb.appendCodePoint(range[0] + random.nextInt(range[1] - range[0] + 1));
    }
    return sb.toString();
  }

  private <T> T maybe(Supplier<T> value) {
    return random.nextBoolean() ? value.get() : null;
  }
}
