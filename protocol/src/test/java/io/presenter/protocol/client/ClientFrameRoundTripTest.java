package io.presenter.protocol.client;

import io.presenter.protocol.testing.TrackingAllocator;
import static io.presenter.protocol.client.CodecHarness.concat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.EncoderException;
import io.presenter.protocol.client.thrift.ClientFrame;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ClientFrameRoundTripTest {
  private static final List<ClientFrame> SAMPLES = SampleFrames.all();

  @Test
  void samplesCoverEveryFrameKind() {
    Set<ClientFrame._Fields> kinds =
        SAMPLES.stream().map(ClientFrame::getSetField).collect(Collectors.toSet());

    assertThat(kinds).isEqualTo(EnumSet.allOf(ClientFrame._Fields.class));
  }

  @Test
  void everyKindRoundTripsThroughTheHandlers() {
    for (ClientFrame frame : SAMPLES) {
      CodecHarness h = new CodecHarness();

      h.write(h.encode(frame));

      assertThat(h.recorder.seen).as("%s", frame).containsExactly(frame);
      h.finish();
    }
  }

  @Test
  void everyKindRoundTripsThroughTheHelpers() {
    TrackingAllocator alloc = new TrackingAllocator(false);
    for (ClientFrame frame : SAMPLES) {
      ByteBuf buf = ClientFrames.encode(alloc, frame);
      int length = buf.readInt();

      assertThat(length).isEqualTo(buf.readableBytes());
      assertThat(ClientFrames.decodeBody(buf)).isEqualTo(frame);
      assertThat(buf.isReadable()).isFalse();
      buf.release();
    }
    alloc.assertAllReleased();
  }

  @Test
  void oneByteAtATime() {
    CodecHarness h = new CodecHarness();
    byte[] stream = h.encode(SAMPLES);

    h.writeInPieces(stream, 1);

    assertThat(h.recorder.seen).containsExactlyElementsOf(SAMPLES);
    assertThat(h.alloc.count()).isGreaterThan(stream.length);
    h.finish();
  }

  @Test
  void manyFramesInOneBuffer() {
    CodecHarness h = new CodecHarness();

    h.write(h.encode(SAMPLES));

    assertThat(h.recorder.seen).containsExactlyElementsOf(SAMPLES);
    h.finish();
  }

  @Test
  void everyKindRoundTripsWithSnappy() {
    CodecHarness h = new CodecHarness(ClientFrameCodec.DEFAULT_MAX_FRAME_BYTES, true);
    byte[] stream = h.encode(SAMPLES);

    h.writeInPieces(stream, 7);

    assertThat(h.recorder.seen).containsExactlyElementsOf(SAMPLES);
    h.finish();
  }

  @Test
  void compressesOnlyLargeCompressibleBodiesWhenEnabled() {
    byte[] text = "the same words again and again, ".repeat(40).getBytes();
    byte[] noise = new byte[2000];
    new Random(1).nextBytes(noise);
    ClientFrame big = ClientFrames.send("m", 1, text);
    CodecHarness on = new CodecHarness(ClientFrameCodec.DEFAULT_MAX_FRAME_BYTES, true);
    CodecHarness off = new CodecHarness();

    byte[] compressed = on.encode(big);
    byte[] plain = off.encode(big);

    assertThat(compressed[0] & 0x80).isNotZero();
    assertThat(compressed.length).isLessThan(plain.length / 4);
    assertThat(plain[0] & 0x80).isZero();
    assertThat(on.encode(ClientFrames.send("m", 1, "short".repeat(40).getBytes()))[0] & 0x80)
        .as("below the threshold")
        .isZero();
    assertThat(on.encode(ClientFrames.send("m", 1, noise))[0] & 0x80).as("incompressible").isZero();
    on.write(compressed);
    assertThat(on.recorder.seen).containsExactly(big);
    on.finish();
    off.finish();
  }

  @Test
  void bodiesLargerThanOneSnappyChunkRoundTrip() {
    // Repeats at distances above 64 KiB as well as below, in a body of three chunks.
    byte[] block = new byte[70_000];
    new Random(2).nextBytes(block);
    Arrays.fill(block, 1000, 30_000, (byte) 'a');
    byte[] body = concat(block, block, Arrays.copyOf(block, 50_000));
    ClientFrame frame = ClientFrames.send("m", 1, body);
    CodecHarness h = new CodecHarness(ClientFrameCodec.DEFAULT_MAX_FRAME_BYTES, true);

    byte[] bytes = h.encode(frame);
    h.write(bytes);

    assertThat(bytes[0] & 0x80).isNotZero();
    assertThat(h.recorder.seen).containsExactly(frame);
    h.finish();
  }

  @Test
  void encoderRefusesAFrameWithNoKind() {
    CodecHarness h = new CodecHarness();

    ChannelFuture write = h.out.writeAndFlush(new ClientFrame());

    assertThat(write.cause()).isInstanceOf(EncoderException.class);
    Object written = h.out.readOutbound();
    assertThat(written).isNull();
    assertThatThrownBy(() -> ClientFrames.encode(h.alloc, new ClientFrame()))
        .isInstanceOf(IllegalArgumentException.class);
    h.finish();
  }

  @Test
  void encoderPassesOtherMessagesThrough() {
    CodecHarness h = new CodecHarness();
    ByteBuf raw = Unpooled.wrappedBuffer(new byte[] {1, 2, 3});

    h.out.writeOutbound(raw);

    ByteBuf written = h.out.readOutbound();
    assertThat(written).isSameAs(raw);
    written.release();
    assertThat(raw.refCnt()).isZero();
    h.finish();
  }
}
