package io.presenter.gateway.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FrameBoundaryTrackerTest {
  private static ByteBuf frames(int... bodyLengths) {
    ByteBuf out = Unpooled.buffer();
    for (int n : bodyLengths) {
      out.writeInt(n).writeZero(n);
    }
    return out;
  }

  @Test
  void followsFramesSplitAnywhere() {
    ByteBuf all = frames(5, 0, 300, 1, 70000);
    Random random = new Random(7);
    for (int round = 0; round < 200; round++) {
      FrameBoundaryTracker tracker = new FrameBoundaryTracker();
      ByteBuf rest = all.duplicate();
      while (rest.isReadable()) {
        int n = Math.min(rest.readableBytes(), 1 + random.nextInt(9000));
        tracker.observe(rest.readSlice(n));
        if (!rest.isReadable()) {
          assertThat(tracker.atBoundary()).isTrue();
        }
      }
    }
    all.release();
  }

  @Test
  void knowsWhenItIsMidFrameOrMidLengthWord() {
    FrameBoundaryTracker tracker = new FrameBoundaryTracker();
    tracker.observe(Unpooled.wrappedBuffer(new byte[] {0, 0}));
    assertThat(tracker.atBoundary()).isFalse();
    tracker.observe(Unpooled.wrappedBuffer(new byte[] {0, 3, 1, 2}));
    assertThat(tracker.atBoundary()).isFalse();
    tracker.observe(Unpooled.wrappedBuffer(new byte[] {3}));
    assertThat(tracker.atBoundary()).isTrue();
  }

  @Test
  void compressionFlagDoesNotChangeTheLength() {
    FrameBoundaryTracker tracker = new FrameBoundaryTracker();
    ByteBuf compressed = Unpooled.buffer().writeInt(0x8000_0002).writeZero(2);
    tracker.observe(compressed);
    assertThat(tracker.atBoundary()).isTrue();
  }

  @Test
  void skipsTheRestOfAPartlySentFrameAndKeepsTheNext() {
    FrameBoundaryTracker tracker = new FrameBoundaryTracker();
    ByteBuf first = frames(10);
    tracker.observe(first.readSlice(7)); // 4-byte word + 3 of 10 body bytes went to the old server
    ByteBuf later = Unpooled.buffer().writeBytes(first).writeBytes(frames(2));
    int skipped = tracker.skipToBoundary(later);
    assertThat(skipped).isEqualTo(7);
    assertThat(tracker.atBoundary()).isTrue();
    assertThat(later.readableBytes()).isEqualTo(6);
    assertThat(later.getInt(later.readerIndex())).isEqualTo(2);
  }
}
