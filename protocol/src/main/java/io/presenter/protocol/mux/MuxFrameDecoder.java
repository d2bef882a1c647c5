package io.presenter.protocol.mux;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.presenter.protocol.codec.ThriftCodec;
import java.util.List;
import org.apache.thrift.TException;

/**
 * Bytes to {@link MuxFrame}s: a 4-byte big-endian length, then one Compact-encoded Thrift
 * {@code MuxFrame} union. One instance per connection.
 *
 * <p>Data frames in the canonical layout ({@code 3C 15 <id> 18 <len> <payload> 00 00}) are
 * decoded without copying: the payload is a retained slice of the inbound buffer. Every other
 * encoding goes through the generic Thrift reader, so any conforming encoder interoperates.
 *
 * <p>Errors never reach {@code exceptionCaught}: a length of 0 or above {@code maxFrameSize}
 * (checked before any byte of the body is awaited or allocated), an undecodable body, or bytes
 * left over after the struct fire a {@link MuxProtocolError} user event, after which the decoder
 * discards all further input. A union whose only field is unknown (a newer frame kind) is skipped
 * and counted in {@link #skippedFrames()}.
 */
public final class MuxFrameDecoder extends ByteToMessageDecoder {
  static final int LENGTH_FIELD = 4;

  private final int maxFrameSize;
  private boolean failed;
  private long skippedFrames;

  public MuxFrameDecoder(int maxFrameSize) {
    if (maxFrameSize < 16) {
      throw new IllegalArgumentException("maxFrameSize too small: " + maxFrameSize);
    }
    this.maxFrameSize = maxFrameSize;
  }

  /** Frames of a kind this version does not know, skipped for forward compatibility. */
  public long skippedFrames() {
    return skippedFrames;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (failed) {
      in.skipBytes(in.readableBytes());
      return;
    }
    if (in.readableBytes() < LENGTH_FIELD) {
      return;
    }
    int length = in.getInt(in.readerIndex());
    if (length <= 0 || length > maxFrameSize) {
      fail(
          ctx,
          in,
          MuxProtocolError.Kind.FRAME_TOO_LARGE,
          "frame length " + Integer.toUnsignedString(length) + " outside 1.." + maxFrameSize);
      return;
    }
    if (in.readableBytes() < LENGTH_FIELD + length) {
      return;
    }
    int start = in.readerIndex() + LENGTH_FIELD;
    in.skipBytes(LENGTH_FIELD + length);
    MuxFrame data = CanonicalData.tryDecode(in, start, length);
    if (data != null) {
      out.add(data);
      return;
    }
    ByteBuf body = in.slice(start, length);
    MuxFrame frame;
    try {
      var union = ThriftCodec.decode(body, new io.presenter.protocol.mux.thrift.MuxFrame());
      if (body.isReadable()) {
        fail(ctx, in, MuxProtocolError.Kind.BAD_FRAME, body.readableBytes() + " bytes after the frame's struct");
        return;
      }
      frame = MuxThriftMapping.fromThrift(union);
    } catch (TException | RuntimeException e) {
      // Thrift reports malformed input as TException and, for some cases, unchecked exceptions.
      fail(ctx, in, MuxProtocolError.Kind.BAD_FRAME, "undecodable frame: " + e.getMessage());
      return;
    }
    if (frame == null) {
      skippedFrames++;
      return;
    }
    out.add(frame);
  }

  private void fail(ChannelHandlerContext ctx, ByteBuf in, MuxProtocolError.Kind kind, String message) {
    failed = true;
    in.skipBytes(in.readableBytes());
    ctx.fireUserEventTriggered(new MuxProtocolError(kind, message));
  }
}
