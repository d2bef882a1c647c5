package io.presenter.protocol.mux;

import io.netty.buffer.ByteBuf;

/**
 * The canonical Compact encoding of a Data frame, read and written by hand so the payload is
 * never copied:
 *
 * <pre>
 *   3C                 union field 3 (data), type struct
 *   15 varint          Data field 1 (streamId), type i32, zigzag varint
 *   18 varint          Data field 2 (payload), type binary, varint length
 *   payload bytes
 *   00 00              end of Data, end of union
 * </pre>
 *
 * This is exactly what a generic Thrift Compact writer produces for the struct, so any Thrift
 * library decodes it.
 */
final class CanonicalData {
  static final int UNION_FIELD_DATA = 0x3C;
  static final int FIELD_STREAM_ID = 0x15;
  static final int FIELD_PAYLOAD = 0x18;
  /** Worst-case bytes around the payload: 3 headers, two 5-byte varints, two stops. */
  static final int MAX_OVERHEAD = 1 + 1 + 5 + 1 + 5 + 2;

  private CanonicalData() {}

  /**
   * Decodes {@code length} bytes at {@code start} of {@code buf} if they are a canonical Data
   * frame, returning it with a retained slice as payload; null if they are anything else.
   */
  static MuxFrame.Data tryDecode(ByteBuf buf, int start, int length) {
    int end = start + length;
    int i = start;
    if (length < 7 || buf.getByte(i++) != UNION_FIELD_DATA || buf.getByte(i++) != FIELD_STREAM_ID) {
      return null;
    }
    long idAndPos = readVarint32(buf, i, end);
    if (idAndPos < 0) {
      return null;
    }
    int zigzag = (int) (idAndPos >>> 32);
    i = (int) idAndPos;
    if (i >= end || buf.getByte(i++) != FIELD_PAYLOAD) {
      return null;
    }
    long lenAndPos = readVarint32(buf, i, end);
    if (lenAndPos < 0) {
      return null;
    }
    int payloadLength = (int) (lenAndPos >>> 32);
    i = (int) lenAndPos;
    if (payloadLength < 0 || payloadLength != end - i - 2) {
      return null;
    }
    if (buf.getByte(end - 2) != 0 || buf.getByte(end - 1) != 0) {
      return null;
    }
    int streamId = (zigzag >>> 1) ^ -(zigzag & 1);
    return new MuxFrame.Data(streamId, buf.retainedSlice(i, payloadLength));
  }

  /** Returns (value << 32) | nextIndex, or -1 if the varint is malformed or runs past end. */
  private static long readVarint32(ByteBuf buf, int index, int end) {
    int value = 0;
    for (int shift = 0; shift < 35; shift += 7) {
      if (index >= end) {
        return -1;
      }
      byte b = buf.getByte(index++);
      value |= (b & 0x7F) << shift;
      if (b >= 0) {
        return ((long) value << 32) | index;
      }
    }
    return -1;
  }

  /** Writes the length prefix and everything before the payload. */
  static void writeHeader(ByteBuf out, int streamId, int payloadLength) {
    int idVarint = (streamId << 1) ^ (streamId >> 31);
    int frameLength =
        1 + 1 + varintSize(idVarint) + 1 + varintSize(payloadLength) + payloadLength + 2;
    out.writeInt(frameLength);
    out.writeByte(UNION_FIELD_DATA);
    out.writeByte(FIELD_STREAM_ID);
    writeVarint32(out, idVarint);
    out.writeByte(FIELD_PAYLOAD);
    writeVarint32(out, payloadLength);
  }

  static int headerSize(int streamId, int payloadLength) {
    int idVarint = (streamId << 1) ^ (streamId >> 31);
    return MuxFrameDecoder.LENGTH_FIELD + 3 + varintSize(idVarint) + varintSize(payloadLength);
  }

  static void writeTrailer(ByteBuf out) {
    out.writeShort(0);
  }

  private static void writeVarint32(ByteBuf out, int value) {
    while ((value & ~0x7F) != 0) {
      out.writeByte((value & 0x7F) | 0x80);
      value >>>= 7;
    }
    out.writeByte(value);
  }

  private static int varintSize(int value) {
    if ((value & ~0x7F) == 0) return 1;
    if ((value & ~0x3FFF) == 0) return 2;
    if ((value & ~0x1FFFFF) == 0) return 3;
    if ((value & ~0xFFFFFFF) == 0) return 4;
    return 5;
  }
}
