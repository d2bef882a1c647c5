package io.presenter.protocol.client;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.ReferenceCountUtil;
import io.presenter.protocol.client.thrift.ClientFrame;
import io.presenter.protocol.client.thrift.ErrorCode;
import java.util.List;

/**
 * Decodes the client protocol's framed byte stream (see {@link ClientFrameCodec}) into {@link
 * ClientFrame} messages. One instance per channel.
 *
 * <p><b>Emits</b> one {@code ClientFrame} per frame, in order. The frames hold no buffers: binary
 * fields are copies, so there is nothing to release downstream. A frame whose union field this
 * version does not know (a kind added later) is skipped silently and counted in {@link
 * #unknownFramesSkipped()}.
 *
 * <p><b>Errors</b> never reach {@code exceptionCaught}. The decoder fires one {@link
 * ClientFrameError} user event, after the frames decoded before the error, and from then on
 * releases every inbound buffer unread. The next handler answers with an error frame and closes.
 * Errors: length 0 (BAD_FRAME); length above the limit (FRAME_TOO_LARGE, reported as soon as the
 * length word arrives, before the body is buffered); compressed bit while {@link
 * ClientFrameCodec#SNAPPY} is not set on the channel (BAD_FRAME); a Snappy preamble claiming more
 * than the limit (FRAME_TOO_LARGE, before anything is allocated for it); a corrupt Snappy block, a
 * body that is not one valid ClientFrame, or bytes left after it (BAD_FRAME). A truncated frame is
 * not an error: the decoder waits for the rest.
 *
 * <p><b>Memory and reference counting:</b> complete frames are decoded as soon as they arrive,
 * so between reads at most one incomplete frame (the limit plus the length word) stays
 * buffered. A compressed frame needs one more buffer of its uncompressed size, released before
 * the frame is emitted. Every inbound buffer is released by this decoder.
 */
public final class ClientFrameDecoder extends ByteToMessageDecoder {
  private final int maxFrameBytes;
  private long unknownFramesSkipped;
  private ClientFrameError error;
  private boolean errorFired;

  /** A decoder with the {@link ClientFrameCodec#DEFAULT_MAX_FRAME_BYTES} limit. */
  public ClientFrameDecoder() {
    this(ClientFrameCodec.DEFAULT_MAX_FRAME_BYTES);
  }

  /**
   * @param maxFrameBytes the largest accepted body, compressed or uncompressed
   */
  public ClientFrameDecoder(int maxFrameBytes) {
    if (maxFrameBytes < 1) {
      throw new IllegalArgumentException("maxFrameBytes must be positive: " + maxFrameBytes);
    }
    this.maxFrameBytes = maxFrameBytes;
  }

  /** Frames of an unknown kind that were skipped on this channel. */
  public long unknownFramesSkipped() {
    return unknownFramesSkipped;
  }

  /** True once an error was found; all later input is discarded. */
  public boolean isFailed() {
    return error != null;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (error != null) {
      ReferenceCountUtil.release(msg);
      return;
    }
    super.channelRead(ctx, msg);
    // Fired here rather than inside decode(), so a handler that closes the channel in response
    // does not re-enter ByteToMessageDecoder while it is still working on the cumulation.
    if (error != null && !errorFired) {
      errorFired = true;
      ctx.fireUserEventTriggered(error);
    }
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (error != null) {
      in.skipBytes(in.readableBytes());
      return;
    }
    if (!ClientFrameHeader.isReadable(in)) {
      return;
    }
    int word = ClientFrameHeader.peek(in);
    boolean compressed = ClientFrameHeader.isCompressed(word);
    int length = ClientFrameHeader.bodyLength(word);
    if (length == 0) {
      fail(in, new ClientFrameException(ErrorCode.BAD_FRAME, "empty frame"));
      return;
    }
    if (length > maxFrameBytes) {
      fail(in, tooLarge("frame body", length));
      return;
    }
    if (compressed && !ClientFrameCodec.isSnappyEnabled(ctx.channel())) {
      fail(
          in,
          new ClientFrameException(ErrorCode.BAD_FRAME, "compressed frame, Snappy not enabled"));
      return;
    }
    if (in.readableBytes() < ClientFrameHeader.BYTES + length) {
      return;
    }
    in.skipBytes(ClientFrameHeader.BYTES);
    ByteBuf body = in.readSlice(length);
    try {
      ClientFrame frame = compressed ? readCompressed(body, ctx.alloc()) : FrameBody.read(body);
      if (frame.getSetField() == null) {
        unknownFramesSkipped++;
      } else {
        out.add(frame);
      }
    } catch (ClientFrameException e) {
      fail(in, e);
    }
  }

  private ClientFrame readCompressed(ByteBuf block, ByteBufAllocator alloc) {
    long length = SnappyBlock.uncompressedLength(block);
    if (length < 1) {
      throw new ClientFrameException(ErrorCode.BAD_FRAME, "bad Snappy preamble");
    }
    if (length > maxFrameBytes) {
      throw tooLarge("uncompressed body", length);
    }
    ByteBuf body = SnappyBlock.decompress(block, (int) length, alloc);
    try {
      return FrameBody.read(body);
    } finally {
      body.release();
    }
  }

  private ClientFrameException tooLarge(String what, long length) {
    return new ClientFrameException(
        ErrorCode.FRAME_TOO_LARGE, what + " of " + length + " bytes exceeds " + maxFrameBytes);
  }

  private void fail(ByteBuf in, ClientFrameException e) {
    error = e.toError();
    in.skipBytes(in.readableBytes());
  }
}
