package io.presenter.protocol.codec;

import io.netty.buffer.ByteBuf;
import org.apache.thrift.TConfiguration;
import org.apache.thrift.transport.TTransport;
import org.apache.thrift.transport.TTransportException;

/**
 * A Thrift transport reading from or writing to one {@link ByteBuf}, without copying it.
 *
 * <p>Reads are bounded by the bytes actually present: a length field that claims more than the
 * rest of the frame fails before anything is allocated, so a peer cannot make the decoder
 * allocate according to a length it chose.
 */
final class ByteBufTransport extends TTransport {
  private static final TConfiguration CONFIGURATION = new TConfiguration();

  private final ByteBuf buf;

  ByteBufTransport(ByteBuf buf) {
    this.buf = buf;
  }

  @Override
  public boolean isOpen() {
    return true;
  }

  @Override
  public void open() {}

  @Override
  public void close() {}

  @Override
  public int read(byte[] dst, int off, int len) throws TTransportException {
    int n = Math.min(len, buf.readableBytes());
    if (n == 0 && len > 0) {
      throw new TTransportException(TTransportException.END_OF_FILE, "truncated frame");
    }
    buf.readBytes(dst, off, n);
    return n;
  }

  @Override
  public void write(byte[] src, int off, int len) {
    buf.writeBytes(src, off, len);
  }

  // No getBuffer()/consumeBuffer() shortcut: Thrift would keep views into the frame's memory,
  // which a pooled buffer reuses after release. Decoded binaries are always copies here; the
  // Data frame hot path (MuxFrameDecoder) slices instead and manages the reference count.

  @Override
  public TConfiguration getConfiguration() {
    return CONFIGURATION;
  }

  @Override
  public void updateKnownMessageSize(long size) {}

  @Override
  public void checkReadBytesAvailable(long numBytes) throws TTransportException {
    if (numBytes > buf.readableBytes()) {
      throw new TTransportException(
          TTransportException.END_OF_FILE,
          "length " + numBytes + " exceeds the " + buf.readableBytes() + " bytes left in the frame");
    }
  }

  @Override
  public void resetMessageSizeAndConsumedBytes(long newSize) {}
}
