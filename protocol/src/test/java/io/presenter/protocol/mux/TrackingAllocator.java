package io.presenter.protocol.mux;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.UnpooledDirectByteBuf;
import io.netty.buffer.UnpooledHeapByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * An unpooled allocator that remembers every buffer it hands out, so a test can assert that all of
 * them were released: deterministic, unlike the GC-driven leak detector (which still wraps these
 * buffers and reports, as the build runs it in paranoid mode).
 */
final class TrackingAllocator extends AbstractByteBufAllocator {
  private final List<ByteBuf> allocated = new ArrayList<>();
  private int largestCapacity;

  TrackingAllocator() {
    super(true);
  }

  @Override
  protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
    return track(new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity));
  }

  @Override
  protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
    return track(new UnpooledDirectByteBuf(this, initialCapacity, maxCapacity));
  }

  @Override
  public CompositeByteBuf compositeHeapBuffer(int maxNumComponents) {
    return track(super.compositeHeapBuffer(maxNumComponents));
  }

  @Override
  public CompositeByteBuf compositeDirectBuffer(int maxNumComponents) {
    return track(super.compositeDirectBuffer(maxNumComponents));
  }

  @Override
  public boolean isDirectBufferPooled() {
    return false;
  }

  private <B extends ByteBuf> B track(B buf) {
    allocated.add(buf);
    largestCapacity = Math.max(largestCapacity, buf.capacity());
    return buf;
  }

  /** A direct buffer holding {@code bytes}. */
  ByteBuf bytes(byte[] bytes) {
    return directBuffer(bytes.length).writeBytes(bytes);
  }

  ByteBuf ascii(String s) {
    return bytes(s.getBytes(StandardCharsets.US_ASCII));
  }

  /** Capacity of the largest buffer handed out so far. */
  int largestCapacity() {
    return largestCapacity;
  }

  void assertAllReleased() {
    List<ByteBuf> live = allocated.stream().filter(b -> b.refCnt() != 0).toList();
    assertThat(live).as("buffers still referenced (of %d allocated)", allocated.size()).isEmpty();
  }
}
