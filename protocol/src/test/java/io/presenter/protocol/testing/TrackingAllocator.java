package io.presenter.protocol.testing;

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
 * An unpooled allocator that remembers every buffer it hands out and the largest capacity anyone
 * asked for, so a test can assert that all buffers were released (deterministic, unlike Netty's
 * GC-driven leak detector, which still wraps these buffers in paranoid mode) and that nothing was
 * sized by a length the peer chose.
 */
public final class TrackingAllocator extends AbstractByteBufAllocator {
  private final List<ByteBuf> allocated = new ArrayList<>();
  private int largestRequest;

  /** Direct buffers by default, as the transports use. */
  public TrackingAllocator() {
    this(true);
  }

  public TrackingAllocator(boolean preferDirect) {
    super(preferDirect);
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
  public CompositeByteBuf compositeHeapBuffer(int maxNumComponents) {
    return track(super.compositeHeapBuffer(maxNumComponents), 0);
  }

  @Override
  public CompositeByteBuf compositeDirectBuffer(int maxNumComponents) {
    return track(super.compositeDirectBuffer(maxNumComponents), 0);
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
  public ByteBuf bytes(byte... bytes) {
    return buffer(bytes.length).writeBytes(bytes);
  }

  public ByteBuf ascii(String s) {
    return bytes(s.getBytes(StandardCharsets.US_ASCII));
  }

  /** The largest initial capacity or growth target requested so far. */
  public int largestRequest() {
    return largestRequest;
  }

  /** Readable bytes in buffers not yet released: what the channel is holding on to. */
  public int liveReadableBytes() {
    return allocated.stream().filter(b -> b.refCnt() > 0).mapToInt(ByteBuf::readableBytes).sum();
  }

  public int count() {
    return allocated.size();
  }

  public void assertAllReleased() {
    List<ByteBuf> live = allocated.stream().filter(b -> b.refCnt() != 0).toList();
    assertThat(live).as("buffers still referenced (of %d allocated)", allocated.size()).isEmpty();
  }

  private <B extends ByteBuf> B track(B buf, int initialCapacity) {
    largestRequest = Math.max(largestRequest, initialCapacity);
    allocated.add(buf);
    return buf;
  }
}
