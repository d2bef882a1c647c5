package io.presenter.protocol.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.presenter.protocol.client.thrift.ClientFrame;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** decode(encode(f)) == f over random frames, delivered in random pieces. */
class ClientFramePropertyTest {
  private static final int FRAMES = 3000;

  @Test
  void randomFramesRoundTrip() {
    Stats stats = roundTrip(false, 20_250_101L);

    assertThat(stats.compressed).isZero();
  }

  @Test
  void randomFramesRoundTripWithSnappy() {
    Stats stats = roundTrip(true, 20_250_102L);

    assertThat(stats.compressed).as("frames sent compressed").isGreaterThan(FRAMES / 50);
    assertThat(stats.compressedAboveOneChunk).as("compressed bodies above 64 KiB").isPositive();
  }

  private static Stats roundTrip(boolean snappy, long seed) {
    RandomFrames frames = new RandomFrames(seed);
    Random pieces = new Random(seed);
    CodecHarness h = new CodecHarness(ClientFrameCodec.DEFAULT_MAX_FRAME_BYTES, snappy);
    List<ClientFrame> sent = new ArrayList<>();
    Stats stats = new Stats();
    for (int i = 0; i < FRAMES; i++) {
      ClientFrame frame = frames.next();
      sent.add(frame);
      byte[] bytes = h.encode(frame);
      stats.count(bytes);
      // Cut each frame at random points, so length words and bodies straddle reads.
      int at = 0;
      while (at < bytes.length) {
        int n = Math.min(bytes.length - at, 1 + pieces.nextInt(pieces.nextBoolean() ? 8 : 20_000));
        h.write(bytes, at, n);
        at += n;
      }
    }

    assertThat(h.recorder.errors()).isEmpty();
    assertThat(h.recorder.frames()).hasSize(FRAMES);
    for (int i = 0; i < FRAMES; i++) {
      assertThat(h.recorder.frames().get(i)).as("frame %d", i).isEqualTo(sent.get(i));
    }
    assertThat(h.decoder.unknownFramesSkipped()).isZero();
    h.finish();
    return stats;
  }

  private static final class Stats {
    int compressed;
    int compressedAboveOneChunk;

    void count(byte[] frame) {
      if ((frame[0] & 0x80) != 0) {
        compressed++;
        if (SnappyBlock.uncompressedLength(Unpooled.wrappedBuffer(frame, 4, frame.length - 4))
            > SnappyBlock.MAX_CHUNK) {
          compressedAboveOneChunk++;
        }
      }
    }
  }
}
