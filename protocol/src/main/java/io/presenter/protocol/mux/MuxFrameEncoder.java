package io.presenter.protocol.mux;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;
import io.presenter.protocol.codec.ThriftCodec;

/**
 * {@link MuxFrame}s to bytes; stateless and shared ({@link #INSTANCE}). Other messages pass
 * through untouched.
 *
 * <p>A Data frame with a payload of at least {@link #COPY_THRESHOLD} bytes is written as a
 * composite of a small header buffer, the payload itself (its reference is handed on, never
 * copied) and the two stop bytes. Smaller payloads are copied into one buffer: one allocation and
 * a few dozen copied bytes cost less than a composite.
 */
@Sharable
public final class MuxFrameEncoder extends ChannelOutboundHandlerAdapter {
  public static final MuxFrameEncoder INSTANCE = new MuxFrameEncoder();

  /** Payload size from which Data is sent by reference instead of copied. */
  static final int COPY_THRESHOLD = 512;

  private static final ByteBuf TRAILER =
      Unpooled.unreleasableBuffer(Unpooled.directBuffer(2).writeShort(0)).asReadOnly();

  private MuxFrameEncoder() {}

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (!(msg instanceof MuxFrame frame)) {
      ctx.write(msg, promise);
      return;
    }
    ByteBuf encoded;
    try {
      encoded = encode(ctx.alloc(), frame);
    } catch (RuntimeException e) {
      ReferenceCountUtil.release(msg);
      promise.setFailure(e);
      return;
    }
    ctx.write(encoded, promise);
  }

  /** Encodes one frame, length prefix included. Consumes (releases) a Data frame's payload. */
  public static ByteBuf encode(ByteBufAllocator alloc, MuxFrame frame) {
    if (frame instanceof MuxFrame.Data data) {
      return encodeData(alloc, data.streamId(), data.content());
    }
    ByteBuf out = alloc.buffer(64);
    try {
      out.writeInt(0);
      ThriftCodec.encode(MuxThriftMapping.toThrift(frame), out);
      out.setInt(0, out.readableBytes() - MuxFrameDecoder.LENGTH_FIELD);
      return out;
    } catch (RuntimeException e) {
      out.release();
      throw e;
    }
  }

  /** Encodes a Data frame, taking over the caller's reference to {@code payload}. */
  static ByteBuf encodeData(ByteBufAllocator alloc, int streamId, ByteBuf payload) {
    int length = payload.readableBytes();
    int headerSize = CanonicalData.headerSize(streamId, length);
    if (length < COPY_THRESHOLD) {
      ByteBuf out = alloc.directBuffer(headerSize + length + 2);
      CanonicalData.writeHeader(out, streamId, length);
      out.writeBytes(payload, payload.readerIndex(), length);
      CanonicalData.writeTrailer(out);
      payload.release();
      return out;
    }
    ByteBuf header = alloc.directBuffer(headerSize);
    CanonicalData.writeHeader(header, streamId, length);
    CompositeByteBuf composite = alloc.compositeDirectBuffer(3);
    composite.addComponents(true, header, payload, TRAILER.duplicate());
    return composite;
  }
}
