package io.presenter.protocol.mux;

import io.presenter.protocol.testing.TrackingAllocator;
import static io.presenter.protocol.mux.MuxTestSupport.assertSameFrame;
import static io.presenter.protocol.mux.MuxTestSupport.bytesOf;
import static io.presenter.protocol.mux.MuxTestSupport.framed;
import static io.presenter.protocol.mux.MuxTestSupport.handWritten;
import static io.presenter.protocol.mux.MuxTestSupport.hex;
import static io.presenter.protocol.mux.MuxTestSupport.libthriftCompact;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.presenter.protocol.mux.thrift.CloseReason;
import io.presenter.protocol.mux.thrift.Data;
import io.presenter.protocol.mux.thrift.OpenStream;
import io.presenter.protocol.mux.thrift.TlsInfo;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.thrift.protocol.TField;
import org.apache.thrift.protocol.TList;
import org.apache.thrift.protocol.TStruct;
import org.apache.thrift.protocol.TType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class MuxFrameCodecTest {
  private static final int MAX_FRAME = 4096;
  private static final TStruct ANY = new TStruct("");

  private final TrackingAllocator alloc = new TrackingAllocator();
  private final List<Object> events = new ArrayList<>();
  private EmbeddedChannel channel;

  @AfterEach
  void noLeaks() {
    if (channel != null) {
      assertThat(channel.finishAndReleaseAll()).as("messages left unread").isFalse();
    }
    alloc.assertAllReleased();
  }

  /** The framing handlers under test, then a handler that records user events. */
  private EmbeddedChannel channel(ChannelHandler... framing) {
    channel = new EmbeddedChannel();
    channel.config().setAllocator(alloc);
    channel.pipeline().addLast(framing);
    channel.pipeline().addLast(new ChannelInboundHandlerAdapter() {
      @Override
      public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        events.add(evt);
      }
    });
    return channel;
  }

  private EmbeddedChannel codec() {
    return channel(new MuxFrameCodec(MAX_FRAME));
  }

  private ByteBuf encode(MuxFrame frame) {
    assertThat(channel.writeOutbound(frame)).isTrue();
    ByteBuf encoded = channel.readOutbound();
    assertThat((Object) channel.readOutbound()).isNull();
    return encoded;
  }

  private List<MuxFrame> readAllInbound() {
    List<MuxFrame> frames = new ArrayList<>();
    for (Object o; (o = channel.readInbound()) != null; ) {
      frames.add((MuxFrame) o);
    }
    return frames;
  }

  private void feed(byte[] wire) {
    channel.writeInbound(alloc.bytes(wire));
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  private static byte[] randomBytes(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  private static io.presenter.protocol.mux.thrift.MuxFrame thriftData(int streamId, byte[] payload) {
    return io.presenter.protocol.mux.thrift.MuxFrame.data(new Data().setStreamId(streamId).setPayload(payload));
  }

  private static final byte[] PING_7 = framed(hex("6C 16 0E 00 00")); // Ping{opaque: 7}

  static OpenStream fullOpenSpec() {
    return new OpenStream()
        .setStreamId(7)
        .setUserId("user-ä")
        .setCoupleId("couple-42")
        .setDeviceId("device-1")
        .setClientAddress("2001:db8::1")
        .setClientPort(443)
        .setTls(new TlsInfo()
            .setProtocol("TLSv1.3")
            .setCipherSuite("TLS_AES_128_GCM_SHA256")
            .setResumed(true)
            .setServerName("chat.example"))
        .setRingVersion(1_234_567_890_123L)
        .setAuthFrame(new byte[] {0, 0, 0, 3, 1, 2, 3})
        .setReopenCount(2);
  }

  static Stream<MuxFrame> everyNonDataFrame() {
    return Stream.of(
        new MuxFrame.Settings(1, 65536, 65536, 100_000, "gateway-1"),
        new MuxFrame.Settings(1, 1024, 1, 0, null),
        new MuxFrame.Open(fullOpenSpec()),
        new MuxFrame.Open(new OpenStream().setStreamId(1)),
        new MuxFrame.WindowUpdate(3, 32768),
        new MuxFrame.Close(5, CloseReason.NORMAL, 0, null),
        new MuxFrame.Close(5, CloseReason.MOVED, 42, "owned by chat-7"),
        new MuxFrame.Ping(Long.MIN_VALUE),
        new MuxFrame.Pong(0x0123456789ABCDEFL),
        new MuxFrame.GoAway(9, CloseReason.DRAINING, "deploy"),
        new MuxFrame.GoAway(0, CloseReason.PROTOCOL_ERROR, null));
  }

  @ParameterizedTest
  @MethodSource("everyNonDataFrame")
  void roundTripsEveryFrameKind(MuxFrame frame) throws Exception {
    codec();
    ByteBuf encoded = encode(frame);
    // What goes on the wire is exactly libthrift's encoding of the union, length-prefixed.
    assertThat(bytesOf(encoded))
        .isEqualTo(framed(libthriftCompact(MuxThriftMapping.toThrift(frame))));
    channel.writeInbound(encoded);
    List<MuxFrame> decoded = readAllInbound();
    assertThat(decoded).hasSize(1);
    assertSameFrame(decoded.get(0), frame);
    assertThat(events).isEmpty();
  }

  @Test
  void openRoundTripKeepsEveryField() {
    codec();
    channel.writeInbound(encode(new MuxFrame.Open(fullOpenSpec())));
    MuxFrame.Open open = channel.readInbound();
    for (OpenStream._Fields field : OpenStream._Fields.values()) {
      assertThat(open.spec().isSet(field)).as("%s set", field).isTrue();
    }
    assertThat(open.spec()).isEqualTo(fullOpenSpec());
    assertThat(open.streamId()).isEqualTo(7);
  }

  @ParameterizedTest
  @CsvSource({"1, 0", "1, 1", "-1, 5", "2147483647, 100", "-2147483648, 511", "3, 512", "3, 513", "300, 4000"})
  void dataRoundTripsAndIsTheCanonicalLibthriftEncoding(int streamId, int size) throws Exception {
    codec();
    byte[] payload = randomBytes(size, size);
    ByteBuf source = alloc.bytes(payload);
    ByteBuf encoded = encode(new MuxFrame.Data(streamId, source));

    assertThat(bytesOf(encoded)).isEqualTo(framed(libthriftCompact(thriftData(streamId, payload))));
    if (size >= MuxFrameEncoder.COPY_THRESHOLD) {
      // Sent by reference: the composite holds the caller's payload.
      assertThat(encoded).isInstanceOf(CompositeByteBuf.class);
      assertThat(source.refCnt()).isEqualTo(1);
    } else {
      assertThat(source.refCnt()).isZero();
    }

    channel.writeInbound(encoded);
    MuxFrame.Data decoded = channel.readInbound();
    assertThat(decoded.streamId()).isEqualTo(streamId);
    assertThat(bytesOf(decoded.content())).isEqualTo(payload);
    decoded.release();
    assertThat(source.refCnt()).isZero();
  }

  @ParameterizedTest
  @ValueSource(ints = {10, 600})
  void dataPayloadIsTakenFromItsReaderIndex(int size) {
    codec();
    byte[] payload = randomBytes(size, 9);
    ByteBuf source = alloc.directBuffer().writeBytes(new byte[] {1, 2, 3}).writeBytes(payload);
    source.skipBytes(3);
    channel.writeInbound(encode(new MuxFrame.Data(4, source)));
    MuxFrame.Data decoded = channel.readInbound();
    assertThat(bytesOf(decoded.content())).isEqualTo(payload);
    decoded.release();
  }

  @Test
  void canonicalDataIsDecodedAsASliceOfTheInput() throws Exception {
    codec();
    byte[] payload = randomBytes(100, 1);
    ByteBuf wire = alloc.bytes(framed(libthriftCompact(thriftData(11, payload))));
    channel.writeInbound(wire);
    MuxFrame.Data data = channel.readInbound();
    assertThat(bytesOf(data.content())).isEqualTo(payload);
    // The decoder let go of the input; the payload slice still holds it.
    assertThat(wire.refCnt()).isEqualTo(1);
    data.release();
    assertThat(wire.refCnt()).isZero();
  }

  static Stream<byte[]> otherValidDataEncodings() throws Exception {
    byte[] payload = randomBytes(700, 2);
    TField union = new TField("data", TType.STRUCT, (short) 3);
    TField id = new TField("streamId", TType.I32, (short) 1);
    TField bytes = new TField("payload", TType.STRING, (short) 2);
    return Stream.of(
        // An unknown field after the known ones (a newer peer's Data).
        handWritten(p -> {
          p.writeStructBegin(ANY);
          p.writeFieldBegin(union);
          p.writeStructBegin(ANY);
          p.writeFieldBegin(id);
          p.writeI32(5);
          p.writeFieldEnd();
          p.writeFieldBegin(bytes);
          p.writeBinary(ByteBuffer.wrap(payload));
          p.writeFieldEnd();
          p.writeFieldBegin(new TField("future", TType.I64, (short) 9));
          p.writeI64(77);
          p.writeFieldEnd();
          p.writeFieldStop();
          p.writeStructEnd();
          p.writeFieldEnd();
          p.writeFieldStop();
          p.writeStructEnd();
        }),
        // An unknown struct field between streamId and payload.
        handWritten(p -> {
          p.writeStructBegin(ANY);
          p.writeFieldBegin(union);
          p.writeStructBegin(ANY);
          p.writeFieldBegin(id);
          p.writeI32(5);
          p.writeFieldEnd();
          p.writeFieldBegin(new TField("x", TType.STRUCT, (short) 40));
          p.writeStructBegin(ANY);
          p.writeFieldBegin(new TField("y", TType.STRING, (short) 1));
          p.writeString("ünïcode");
          p.writeFieldEnd();
          p.writeFieldStop();
          p.writeStructEnd();
          p.writeFieldEnd();
          p.writeFieldBegin(bytes);
          p.writeBinary(ByteBuffer.wrap(payload));
          p.writeFieldEnd();
          p.writeFieldStop();
          p.writeStructEnd();
          p.writeFieldEnd();
          p.writeFieldStop();
          p.writeStructEnd();
        }),
        // Fields in reverse order.
        handWritten(p -> {
          p.writeStructBegin(ANY);
          p.writeFieldBegin(union);
          p.writeStructBegin(ANY);
          p.writeFieldBegin(bytes);
          p.writeBinary(ByteBuffer.wrap(payload));
          p.writeFieldEnd();
          p.writeFieldBegin(id);
          p.writeI32(5);
          p.writeFieldEnd();
          p.writeFieldStop();
          p.writeStructEnd();
          p.writeFieldEnd();
          p.writeFieldStop();
          p.writeStructEnd();
        }));
  }

  @ParameterizedTest
  @MethodSource("otherValidDataEncodings")
  void otherValidDataEncodingsDecodeThroughTheGenericPath(byte[] body) {
    codec();
    ByteBuf wire = alloc.bytes(framed(body));
    channel.writeInbound(wire);
    MuxFrame.Data data = channel.readInbound();
    assertThat(data.streamId()).isEqualTo(5);
    assertThat(bytesOf(data.content())).isEqualTo(randomBytes(700, 2));
    // Generic path: the payload is a copy, the input is already released.
    assertThat(wire.refCnt()).isZero();
    data.release();
    assertThat(events).isEmpty();
  }

  @Test
  void unknownFieldsInsideKnownStructsAreSkipped() throws Exception {
    byte[] body = handWritten(p -> {
      p.writeStructBegin(ANY);
      p.writeFieldBegin(new TField("settings", TType.STRUCT, (short) 1));
      p.writeStructBegin(ANY);
      p.writeFieldBegin(new TField("version", TType.I32, (short) 1));
      p.writeI32(1);
      p.writeFieldEnd();
      p.writeFieldBegin(new TField("maxFrameSize", TType.I32, (short) 2));
      p.writeI32(2048);
      p.writeFieldEnd();
      p.writeFieldBegin(new TField("future1", TType.STRING, (short) 3000));
      p.writeString("ignored");
      p.writeFieldEnd();
      p.writeFieldBegin(new TField("peerId", TType.STRING, (short) 5));
      p.writeString("chat-3");
      p.writeFieldEnd();
      p.writeFieldBegin(new TField("future2", TType.LIST, (short) 6));
      p.writeListBegin(new TList(TType.I64, 3));
      p.writeI64(1);
      p.writeI64(2);
      p.writeI64(3);
      p.writeListEnd();
      p.writeFieldEnd();
      p.writeFieldStop();
      p.writeStructEnd();
      p.writeFieldEnd();
      p.writeFieldStop();
      p.writeStructEnd();
    });
    codec();
    feed(framed(body));
    // Absent fields take the IDL defaults.
    assertThat(readAllInbound())
        .containsExactly(new MuxFrame.Settings(1, 2048, 65536, 100_000, "chat-3"));
    assertThat(events).isEmpty();
  }

  private List<byte[]> encodedSamples() {
    List<byte[]> wire = new ArrayList<>();
    everyNonDataFrame().forEach(f -> {
      ByteBuf b = encode(f);
      wire.add(bytesOf(b));
      b.release();
    });
    for (int size : new int[] {0, 3, 600, 2000}) {
      ByteBuf b = encode(new MuxFrame.Data(size + 1, alloc.bytes(randomBytes(size, size))));
      wire.add(bytesOf(b));
      b.release();
    }
    return wire;
  }

  private List<MuxFrame> expectedSamples() {
    List<MuxFrame> frames = new ArrayList<>(everyNonDataFrame().toList());
    for (int size : new int[] {0, 3, 600, 2000}) {
      frames.add(new MuxFrame.Data(size + 1, Unpooled.wrappedBuffer(randomBytes(size, size))));
    }
    return frames;
  }

  private void assertDecodedSamples(List<MuxFrame> decoded) {
    List<MuxFrame> expected = expectedSamples();
    assertThat(decoded).hasSize(expected.size());
    for (int i = 0; i < expected.size(); i++) {
      assertSameFrame(decoded.get(i), expected.get(i));
      if (decoded.get(i) instanceof MuxFrame.Data data) {
        data.release();
      }
    }
    assertThat(events).isEmpty();
  }

  @Test
  void decodesInputSplitIntoSingleBytes() {
    codec();
    byte[] wire = concat(encodedSamples().toArray(byte[][]::new));
    List<MuxFrame> decoded = new ArrayList<>();
    for (byte b : wire) {
      channel.writeInbound(alloc.directBuffer(1).writeByte(b));
      decoded.addAll(readAllInbound());
    }
    assertDecodedSamples(decoded);
  }

  @Test
  void decodesManyFramesInOneBuffer() {
    codec();
    feed(concat(encodedSamples().toArray(byte[][]::new)));
    assertDecodedSamples(readAllInbound());
  }

  @Test
  void closeReasonFromANewerPeerDecodesAsInternalError() {
    codec();
    // Close{streamId: 1, reason: 99}: 5C, then 15 02 and 15 C6 01, then two stops.
    feed(framed(hex("5C 15 02 15 C6 01 00 00")));
    assertThat(readAllInbound()).containsExactly(new MuxFrame.Close(1, CloseReason.INTERNAL_ERROR, 0, null));
  }

  // ---- length errors ----

  private void assertOneError(MuxProtocolError.Kind kind) {
    assertThat(events).singleElement().isInstanceOfSatisfying(MuxProtocolError.class, e -> assertThat(e.kind()).isEqualTo(kind));
  }

  @ParameterizedTest
  @ValueSource(ints = {0, MAX_FRAME + 1, Integer.MAX_VALUE, Integer.MIN_VALUE, -1})
  void badLengthIsReportedAndLaterInputIgnored(int length) {
    codec();
    feed(framed(length, new byte[0]));
    assertOneError(MuxProtocolError.Kind.FRAME_TOO_LARGE);
    feed(PING_7);
    feed(PING_7);
    assertThat(readAllInbound()).isEmpty();
    assertThat(events).hasSize(1);
  }

  @Test
  void hugeLengthFailsAtOnceWithoutWaitingForOrAllocatingTheBody() {
    codec();
    feed(hex("7F FF FF FF 00 00 00 00"));
    assertOneError(MuxProtocolError.Kind.FRAME_TOO_LARGE);
    assertThat(alloc.largestRequest()).isLessThan(64);
  }

  @Test
  void lengthUpToMaxFrameSizeIsAccepted() {
    codec();
    // 3C 15 <1-byte id> 18 <2-byte length> payload 00 00: 8 bytes around the payload.
    byte[] payload = randomBytes(MAX_FRAME - 8, 3);
    ByteBuf encoded = encode(new MuxFrame.Data(1, alloc.bytes(payload)));
    assertThat(encoded.getInt(0)).isEqualTo(MAX_FRAME);
    channel.writeInbound(encoded);
    MuxFrame.Data data = channel.readInbound();
    assertThat(bytesOf(data.content())).isEqualTo(payload);
    data.release();

    channel.writeInbound(encode(new MuxFrame.Data(1, alloc.bytes(randomBytes(MAX_FRAME - 7, 4)))));
    assertThat(readAllInbound()).isEmpty();
    assertOneError(MuxProtocolError.Kind.FRAME_TOO_LARGE);
  }

  // ---- body errors ----

  @ParameterizedTest
  @ValueSource(strings = {
      "FF", // unknown compact type
      "6C 16", // Ping cut short
      "6C 16 0E 00 00 00", // Ping, then a byte after the union
      "3C 15 02 18 01 AA 00 00 00", // canonical-looking Data with a trailing byte
      "3C 15 02 18 7F 01 02 00 00", // payload length beyond the frame
      "3C 15 02 18 FF FF FF FF 0F 00 00", // negative payload length
      "1C 58 7F 41 00 00", // Settings.peerId length beyond the frame
  })
  void undecodableBodyIsReportedAndLaterInputIgnored(String body) {
    codec();
    feed(concat(PING_7, framed(hex(body)), PING_7));
    assertThat(readAllInbound()).containsExactly(new MuxFrame.Ping(7));
    assertOneError(MuxProtocolError.Kind.BAD_FRAME);
    feed(PING_7);
    assertThat(readAllInbound()).isEmpty();
    assertThat(events).hasSize(1);
  }

  // ---- forward compatibility ----

  @Test
  void unknownUnionFieldBytesAreWhatLibthriftWrites() throws Exception {
    // Field id 99 does not fit the 4-bit delta: long form is the type byte, then the id as a
    // zigzag varint (99 -> 198 -> C6 01).
    byte[] written = handWritten(p -> {
      p.writeStructBegin(ANY);
      p.writeFieldBegin(new TField("", TType.STRUCT, (short) 99));
      p.writeStructBegin(ANY);
      p.writeFieldBegin(new TField("", TType.I32, (short) 1));
      p.writeI32(1);
      p.writeFieldEnd();
      p.writeFieldStop();
      p.writeStructEnd();
      p.writeFieldEnd();
      p.writeFieldStop();
      p.writeStructEnd();
    });
    assertThat(written).isEqualTo(hex("0C C6 01 15 02 00 00"));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "0C C6 01 15 02 00 00", // field 99, a struct (long-form header)
      "9C 15 02 00 00", // field 9, a struct (short-form header)
      "C8 03 61 62 63 00", // field 12, a string
  })
  void unionWithOnlyAnUnknownFieldIsSkipped(String body) {
    MuxFrameDecoder decoder = new MuxFrameDecoder(MAX_FRAME);
    channel(decoder, MuxFrameEncoder.INSTANCE);
    feed(concat(framed(hex(body)), PING_7));
    assertThat(readAllInbound()).containsExactly(new MuxFrame.Ping(7));
    assertThat(decoder.skippedFrames()).isEqualTo(1);
    feed(framed(hex(body)));
    assertThat(decoder.skippedFrames()).isEqualTo(2);
    assertThat(events).isEmpty();
  }
}
