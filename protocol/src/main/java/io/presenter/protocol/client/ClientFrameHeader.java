package io.presenter.protocol.client;

import io.netty.buffer.ByteBuf;

/**
 * The length word in front of every client-protocol frame: 4 bytes, big-endian; bits 0..30 are
 * the body length, bit 31 says the body is one Snappy raw block (see {@link ClientFrameCodec}).
 * The one definition of these bits, for the codec and for code that only follows frame
 * boundaries (the gateway's auth step and relay).
 */
public final class ClientFrameHeader {
  /** Size of the length word. */
  public static final int BYTES = 4;
  /** Bit 31: the body is compressed. */
  public static final int COMPRESSED_BIT = 0x8000_0000;
  /** Bits 0..30: the body length. */
  public static final int LENGTH_MASK = 0x7fff_ffff;

  private ClientFrameHeader() {}

  /** True when {@code in} holds at least a whole length word. */
  public static boolean isReadable(ByteBuf in) {
    return in.readableBytes() >= BYTES;
  }

  /** The length word at {@code in}'s reader index, which does not move. */
  public static int peek(ByteBuf in) {
    return in.getInt(in.readerIndex());
  }

  /** The body length a length word announces. */
  public static int bodyLength(int word) {
    return word & LENGTH_MASK;
  }

  public static boolean isCompressed(int word) {
    return (word & COMPRESSED_BIT) != 0;
  }

  /** The length word for a body of {@code bodyLength} bytes. */
  public static int word(int bodyLength, boolean compressed) {
    return compressed ? bodyLength | COMPRESSED_BIT : bodyLength;
  }
}
