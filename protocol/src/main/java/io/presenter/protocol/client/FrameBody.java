package io.presenter.protocol.client;

import static io.presenter.protocol.client.ClientFrameCodec.MIN_COMPRESSED_BODY_BYTES;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.presenter.protocol.client.thrift.ClientFrame;
import io.presenter.protocol.client.thrift.ErrorCode;
import io.presenter.protocol.codec.ThriftCodec;
import org.apache.thrift.TException;

/** Frame bodies: ClientFrame to and from Thrift Compact, with optional Snappy. */
final class FrameBody {
  private FrameBody() {}

  /**
   * Appends length word and body of {@code frame} to {@code out}. With {@code snappy}, a body of at
   * least {@link ClientFrameCodec#MIN_COMPRESSED_BODY_BYTES} is sent compressed if that is smaller.
   */
  static void write(ClientFrame frame, ByteBuf out, ByteBufAllocator alloc, boolean snappy) {
    int start = out.writerIndex();
    out.writeInt(0);
    ThriftCodec.encode(frame, out);
    int bodyStart = start + ClientFrameHeader.BYTES;
    int length = out.writerIndex() - bodyStart;
    if (snappy && length >= MIN_COMPRESSED_BODY_BYTES) {
      ByteBuf compressed = alloc.buffer(length);
      try {
        SnappyBlock.compress(out.slice(bodyStart, length), compressed, alloc);
        int compressedLength = compressed.readableBytes();
        if (compressedLength < length) {
          out.setInt(start, ClientFrameHeader.word(compressedLength, true));
          out.writerIndex(bodyStart).writeBytes(compressed);
          return;
        }
      } finally {
        compressed.release();
      }
    }
    out.setInt(start, ClientFrameHeader.word(length, false));
  }

  /**
   * Reads one ClientFrame from all readable bytes of {@code body} (uncompressed). A frame with no
   * field set is a kind this version does not know; callers skip it.
   *
   * @throws ClientFrameException BAD_FRAME if the bytes are not exactly one valid ClientFrame
   */
  static ClientFrame read(ByteBuf body) {
    int start = body.readerIndex();
    ClientFrame frame;
    try {
      frame = ThriftCodec.decode(body, new ClientFrame());
    } catch (TException e) {
      throw new ClientFrameException(ErrorCode.BAD_FRAME, "not a ClientFrame: " + e.getMessage());
    } catch (RuntimeException e) {
      throw new ClientFrameException(ErrorCode.BAD_FRAME, "not a ClientFrame");
    }
    if (body.isReadable()) {
      throw new ClientFrameException(
          ErrorCode.BAD_FRAME, body.readableBytes() + " bytes left after the ClientFrame");
    }
    if (frame.getSetField() == null) {
      int id = firstFieldId(body, start);
      // Thrift skips a known field id with an unexpected type; that is a broken peer, not a
      // newer one.
      if (ClientFrame._Fields.findByThriftId(id) != null) {
        throw new ClientFrameException(ErrorCode.BAD_FRAME, "field " + id + " has the wrong type");
      }
    }
    return frame;
  }

  /** The id in the first Compact field header at {@code index} (which Thrift already parsed). */
  private static int firstFieldId(ByteBuf body, int index) {
    int header = body.getUnsignedByte(index);
    int delta = header >>> 4;
    if (delta != 0) {
      return delta; // the previous field id of a new struct is 0
    }
    int zigzag = 0;
    for (int shift = 0; shift < 35; shift += 7) {
      int b = body.getUnsignedByte(++index);
      zigzag |= (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        break;
      }
    }
    return (short) ((zigzag >>> 1) ^ -(zigzag & 1));
  }
}
