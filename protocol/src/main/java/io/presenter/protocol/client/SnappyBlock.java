package io.presenter.protocol.client;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.compression.Snappy;
import io.presenter.protocol.client.thrift.ErrorCode;

/**
 * One Snappy raw block (no framing format, no checksum): a varint preamble with the uncompressed
 * length, then literal and copy elements. Netty's {@link Snappy} does the work.
 */
final class SnappyBlock {
  /**
   * Netty's encoder keeps input positions in a 16-bit hash table and writes copy offsets in at most
   * 16 bits, so it is only correct for inputs up to 64 KiB. Longer inputs are compressed in chunks
   * whose elements are appended under one preamble: copy offsets are relative, so each chunk
   * decodes in place, exactly as the reference implementation's 64 KiB fragments.
   */
  static final int MAX_CHUNK = 65535;

  private SnappyBlock() {}

  /** Appends the compressed form of the readable bytes of {@code in}, which is not consumed. */
  static void compress(ByteBuf in, ByteBuf out, ByteBufAllocator alloc) {
    int length = in.readableBytes();
    Snappy snappy = Snappy.withHashTableReuse();
    if (length <= MAX_CHUNK) {
      // Netty's encoder indexes from 0, so it is given a slice starting there.
      snappy.encode(in.slice(), out, length);
      return;
    }
    writeVarint(out, length);
    ByteBuf chunkOut = alloc.buffer(MAX_CHUNK + MAX_CHUNK / 6 + 32);
    try {
      for (int offset = 0; offset < length; offset += MAX_CHUNK) {
        int n = Math.min(MAX_CHUNK, length - offset);
        chunkOut.clear();
        snappy.encode(in.slice(in.readerIndex() + offset, n), chunkOut, n);
        chunkOut.skipBytes(varintLength(n));
        out.writeBytes(chunkOut);
      }
    } finally {
      chunkOut.release();
    }
  }

  /**
   * The uncompressed length the preamble of {@code block} claims, without consuming anything; -1 if
   * the preamble is not a valid 32-bit varint.
   */
  static long uncompressedLength(ByteBuf block) {
    long value = 0;
    int index = block.readerIndex();
    for (int i = 0; i < 5 && index + i < block.writerIndex(); i++) {
      int b = block.getUnsignedByte(index + i);
      value |= (long) (b & 0x7f) << (7 * i);
      if ((b & 0x80) == 0) {
        return value;
      }
    }
    return -1;
  }

  /**
   * Decompresses all of {@code block}, whose preamble the caller checked equals {@code length} (at
   * least 1, at most the frame limit). The result is exactly {@code length} bytes and the caller
   * releases it.
   *
   * @throws ClientFrameException BAD_FRAME if the block is corrupt or its size does not match
   */
  static ByteBuf decompress(ByteBuf block, int length, ByteBufAllocator alloc) {
    // maxCapacity == length: a copy element that would write past the claimed size fails
    // instead of growing the buffer.
    ByteBuf out = alloc.buffer(length, length);
    try {
      new Snappy().decode(block, out);
      if (block.isReadable() || out.readableBytes() != length) {
        throw new ClientFrameException(
            ErrorCode.BAD_FRAME, "Snappy block does not match its length " + length);
      }
      return out;
    } catch (ClientFrameException e) {
      out.release();
      throw e;
    } catch (RuntimeException e) {
      // DecompressionException, or IndexOutOfBoundsException past maxCapacity.
      out.release();
      throw new ClientFrameException(ErrorCode.BAD_FRAME, "corrupt Snappy block");
    }
  }

  static void writeVarint(ByteBuf out, int value) {
    while ((value & ~0x7f) != 0) {
      out.writeByte((value & 0x7f) | 0x80);
      value >>>= 7;
    }
    out.writeByte(value);
  }

  private static int varintLength(int value) {
    int n = 1;
    while ((value & ~0x7f) != 0) {
      value >>>= 7;
      n++;
    }
    return n;
  }
}
