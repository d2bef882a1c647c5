package io.presenter.protocol.client;

import io.presenter.protocol.testing.TrackingAllocator;
import static io.presenter.protocol.client.CodecHarness.concat;
import static io.presenter.protocol.client.CodecHarness.frame;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.presenter.protocol.client.thrift.ClientFrame;
import io.presenter.protocol.client.thrift.ErrorCode;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ClientFrameDecoderTest {
  private static final int MAX = 1024;
  private static final int COMPRESSED = 0x8000_0000;

  private final CodecHarness h = new CodecHarness(MAX, false);
  private final byte[] ping = h.encode(ClientFrames.ping(5));

  @Test
  void oversizedLengthIsRefusedBeforeTheBodyIsBuffered() {
    h.write(frame(MAX + 1));

    assertThat(h.recorder.seen)
        .containsExactly(
            new ClientFrameError(
                ErrorCode.FRAME_TOO_LARGE, "frame body of 1025 bytes exceeds 1024"));
    h.write(new byte[600]);
    h.write(new byte[600]);
    assertThat(h.alloc.liveReadableBytes()).isZero();
    assertThat(h.alloc.largestRequest()).isLessThan(MAX);
    assertThat(h.recorder.seen).hasSize(1);
    h.finish();
  }

  @Test
  void maximumLengthIsAccepted() {
    // 11 bytes of Thrift around the body: union and struct field headers, "m", kind, stops.
    ClientFrame frame = ClientFrames.send("m", 1, new byte[MAX - 11]);
    byte[] bytes = h.encode(frame);
    assertThat(bytes.length).isEqualTo(MAX + 4);

    h.write(bytes);

    assertThat(h.recorder.seen).containsExactly(frame);
    h.finish();
  }

  @Test
  void hugeLengthWord() {
    h.write(frame(0x7fff_ffff, new byte[10]));

    assertThat(h.recorder.errors())
        .extracting(ClientFrameError::code)
        .containsExactly(ErrorCode.FRAME_TOO_LARGE);
    assertThat(h.alloc.largestRequest()).isLessThan(MAX);
    h.finish();
  }

  @Test
  void zeroLength() {
    h.write(frame(0));

    assertThat(h.recorder.seen)
        .containsExactly(new ClientFrameError(ErrorCode.BAD_FRAME, "empty frame"));
    h.finish();
  }

  @Test
  void garbageBody() {
    h.write(frame(4, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff));

    assertThat(h.recorder.errors())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.BAD_FRAME);
              assertThat(e.message()).startsWith("not a ClientFrame");
            });
    h.finish();
  }

  @Test
  void emptyUnionIsNotAFrame() {
    h.write(frame(1, (byte) 0));

    assertThat(h.recorder.errors())
        .extracting(ClientFrameError::code)
        .containsExactly(ErrorCode.BAD_FRAME);
    h.finish();
  }

  @Test
  void bodyCutShortInsideTheStruct() {
    byte[] body = Arrays.copyOfRange(ping, 4, ping.length - 1);

    h.write(frame(body.length, body));

    assertThat(h.recorder.errors())
        .extracting(ClientFrameError::code)
        .containsExactly(ErrorCode.BAD_FRAME);
    h.finish();
  }

  @Test
  void trailingBytesInsideTheFrame() {
    byte[] body = concat(Arrays.copyOfRange(ping, 4, ping.length), new byte[] {0});

    h.write(frame(body.length, body));

    assertThat(h.recorder.seen)
        .containsExactly(
            new ClientFrameError(ErrorCode.BAD_FRAME, "1 bytes left after the ClientFrame"));
    h.finish();
  }

  @Test
  void knownFieldWithTheWrongType() {
    // Field 11 (ping) as an i32 instead of a struct: short-form header (delta 11, type 5).
    h.write(frame(3, (byte) 0xb5, (byte) 0x02, (byte) 0x00));

    assertThat(h.recorder.seen)
        .containsExactly(new ClientFrameError(ErrorCode.BAD_FRAME, "field 11 has the wrong type"));
    h.finish();
  }

  @Test
  void unknownFrameKindIsSkipped() {
    // Field 99 as an i32 (long-form header: type 5, zigzag varint 198), value 7, union stop.
    byte[] unknownI32 = frame(5, (byte) 0x05, (byte) 0xc6, (byte) 0x01, (byte) 0x0e, (byte) 0x00);
    // Field 99 as a struct holding field 1 = i32 1, then the stops of both structs.
    byte[] unknownStruct =
        frame(
            7,
            (byte) 0x0c,
            (byte) 0xc6,
            (byte) 0x01,
            (byte) 0x15,
            (byte) 0x02,
            (byte) 0x00,
            (byte) 0x00);

    h.write(concat(unknownI32, ping, unknownStruct, ping));

    assertThat(h.recorder.seen).containsExactly(ClientFrames.ping(5), ClientFrames.ping(5));
    assertThat(h.decoder.unknownFramesSkipped()).isEqualTo(2);
    assertThat(h.decoder.isFailed()).isFalse();
    h.finish();
  }

  @Test
  void compressedWithoutEnablement() {
    h.write(frame(COMPRESSED | 3, (byte) 1, (byte) 0, (byte) 0));

    assertThat(h.recorder.seen)
        .containsExactly(
            new ClientFrameError(ErrorCode.BAD_FRAME, "compressed frame, Snappy not enabled"));
    h.finish();
  }

  @Test
  void snappyBombIsRefusedBeforeAllocating() {
    CodecHarness snappy = new CodecHarness(MAX, true);
    // Preamble varint 1 GiB (2^30), then a literal tag, as if the rest would follow.
    byte[] block = {
      (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x04, (byte) 0xfc, 0, 0
    };

    snappy.write(frame(COMPRESSED | block.length, block));

    assertThat(snappy.recorder.seen)
        .containsExactly(
            new ClientFrameError(
                ErrorCode.FRAME_TOO_LARGE, "uncompressed body of 1073741824 bytes exceeds 1024"));
    assertThat(snappy.alloc.largestRequest()).isLessThan(MAX);
    snappy.finish();
    h.finish();
  }

  @Test
  void corruptSnappyBlocks() {
    byte[][] blocks = {
      {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x01}, // varint too long
      {0x00, 0x00}, // preamble 0
      {0x0a, 0x08, 'a', 'b', 'c'}, // literal of 3 bytes, 10 claimed
      {0x03, 0x08, 'a', 'b', 'c', 0x01, 0x02}, // literal of 3, copy beyond the claimed length
      {0x08, 0x05, 0x01}, // copy before anything was written
    };
    for (byte[] block : blocks) {
      CodecHarness snappy = new CodecHarness(MAX, true);

      snappy.write(frame(COMPRESSED | block.length, block));

      assertThat(snappy.recorder.errors())
          .as("block %s", Arrays.toString(block))
          .extracting(ClientFrameError::code)
          .containsExactly(ErrorCode.BAD_FRAME);
      snappy.finish();
    }
    h.finish();
  }

  @Test
  void truncatedFrameWaitsForTheRest() {
    byte[] bytes = h.encode(ClientFrames.send("m", 1, new byte[100]));

    h.write(Arrays.copyOf(bytes, 2));
    h.write(Arrays.copyOfRange(bytes, 2, 50));

    assertThat(h.recorder.seen).isEmpty();
    assertThat(h.alloc.liveReadableBytes()).isEqualTo(50);
    h.write(Arrays.copyOfRange(bytes, 50, bytes.length));
    assertThat(h.recorder.seen).containsExactly(ClientFrames.send("m", 1, new byte[100]));
    h.finish();
  }

  @Test
  void truncatedFrameAtCloseIsNotAnError() {
    h.write(Arrays.copyOf(ping, ping.length - 1));
    h.in.close();

    assertThat(h.recorder.errors()).isEmpty();
    h.finish();
  }

  @Test
  void framesBeforeAnErrorArriveFirstAndInputAfterItIsIgnored() {
    h.write(concat(ping, frame(0), ping));

    assertThat(h.recorder.seen)
        .containsExactly(
            ClientFrames.ping(5), new ClientFrameError(ErrorCode.BAD_FRAME, "empty frame"));
    assertThat(h.decoder.isFailed()).isTrue();
    ByteBuf later = h.alloc.bytes(ping);
    h.in.writeInbound(later);
    assertThat(later.refCnt()).isZero();
    assertThat(h.recorder.seen).hasSize(2);
    assertThat(h.alloc.liveReadableBytes()).isZero();
    h.finish();
  }

  @Test
  void handlerAnswersTheErrorAndCloses() {
    TrackingAllocator alloc = new TrackingAllocator(false);
    EmbeddedChannel channel =
        new EmbeddedChannel(
            ClientFrameEncoder.INSTANCE,
            new ClientFrameDecoder(MAX),
            new ChannelInboundHandlerAdapter() {
              @Override
              public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                if (evt instanceof ClientFrameError error) {
                  // channel().close() on an EmbeddedChannel runs the close synchronously,
                  // re-entering the decoder's channelInactive from inside this event.
                  ctx.writeAndFlush(ClientFrames.error(error));
                  ctx.channel().close();
                }
              }
            });
    channel.config().setAllocator(alloc);

    channel.writeInbound(alloc.bytes(concat(frame(MAX + 1), new byte[100])));

    assertThat(channel.isOpen()).isFalse();
    ByteBuf answer = channel.readOutbound();
    assertThat(answer.readInt()).isEqualTo(answer.readableBytes());
    assertThat(ClientFrames.decodeBody(answer))
        .isEqualTo(
            ClientFrames.error(
                ErrorCode.FRAME_TOO_LARGE, "frame body of 1025 bytes exceeds 1024", true, null));
    answer.release();
    channel.checkException();
    channel.finishAndReleaseAll();
    alloc.assertAllReleased();
    h.finish();
  }

  @Test
  void trackingAllocatorNoticesALeak() {
    TrackingAllocator alloc = new TrackingAllocator(false);
    ByteBuf leaked = alloc.bytes(ping);

    try {
      alloc.assertAllReleased();
      throw new IllegalStateException("the leak went unnoticed");
    } catch (AssertionError expected) {
      assertThat(expected).hasMessageContaining("buffers still referenced");
    } finally {
      leaked.release();
    }
    alloc.assertAllReleased();
    h.finish();
  }

  @Test
  void refusesANonPositiveLimit() {
    assertThatIllegalArgumentException().isThrownBy(() -> new ClientFrameDecoder(0));
    h.finish();
  }
}
