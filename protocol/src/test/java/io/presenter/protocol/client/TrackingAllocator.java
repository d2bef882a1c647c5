package io.presenter.protocol.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledDirectByteBuf;
import io.netty.buffer.UnpooledHeapByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * An allocator that remembers every buffer it made and the largest capacity anyone asked for, so a
 * test can assert that all buffers were released and that nothing was sized by a length the peer
 * chose. Independent of Netty's sampling leak detector.
 */
final class TrackingAllocator extends AbstractByteBufAllocator {
  private final List<ByteBuf> allocated = new ArrayList<>();
  private int largestRequest;

  TrackingAllocator() {
    super(false);
  }

  @Override
  protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
    return track(new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity), initialCapacity);
  }

  @Override
  protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
    return track(new UnpooledDirectByteBuf(this, initialCapacity, maxCapacity), initialCapacity);
  }

  @Override
  public int calculateNewCapacity(int minNewCapacity, int maxCapacity) {
    largestRequest = Math.max(largestRequest, minNewCapacity);
    return super.calculateNewCapacity(minNewCapacity, maxCapacity);
  }

  @Override
  public boolean isDirectBufferPooled() {
    return false;
  }

  /** A buffer holding {@code bytes}, for writing inbound. */
  ByteBuf wrap(byte... bytes) {
    return buffer(bytes.length).writeBytes(bytes);
  }

  /** The largest initial capacity or growth target requested so far. */
  int largestRequest() {
    return largestRequest;
  }

  /** Readable bytes in buffers not yet released: what the channel is holding on to. */
  int liveReadableBytes() {
    return allocated.stream().filter(b -> b.refCnt() > 0).mapToInt(ByteBuf::readableBytes).sum();
  }

  int count() {
    return allocated.size();
  }

  void assertAllReleased() {
    for (ByteBuf buf : allocated) {
      assertThat(buf.refCnt()).as("reference count of %s", buf).isZero();
    }
  }

  private ByteBuf track(ByteBuf buf, int initialCapacity) {
    largestRequest = Math.max(largestRequest, initialCapacity);
    allocated.add(buf);
    return buf;
  }
}
