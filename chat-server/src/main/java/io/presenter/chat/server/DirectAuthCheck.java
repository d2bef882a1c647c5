package io.presenter.chat.server;

import static io.presenter.protocol.client.ClientFrameHeader.BYTES;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.presenter.chat.metrics.ChatMetrics;
import io.presenter.protocol.client.ClientFrameException;
import io.presenter.protocol.client.ClientFrames;
import io.presenter.protocol.client.thrift.ClientFrame;
import io.presenter.protocol.client.thrift.ErrorCode;
import io.presenter.protocol.transport.LingeringClose;
import java.util.List;

/**
 * The direct listener's share of the gateway's first-frame checks (PROTOCOL.md 3.7) that the
 * session pipeline does not make itself: the auth frame size limit (FRAME_TOO_LARGE, decided on
 * the length word) and a first frame of a kind this version does not know (AUTH_REQUIRED; the
 * frame decoder would skip it silently). A first frame that passes, and whatever the client sent
 * behind it, goes on unchanged to the frame decoder, which reports the other errors (N = 0, bit 31,
 * undecodable body: BAD_FRAME); then this handler removes itself.
 *
 * <p>On a failure it writes one fatal ServerError, discards further input and closes once the
 * client has closed, 2 s at most ({@link LingeringClose}). Every inbound buffer is released.
 */
final class DirectAuthCheck extends ByteToMessageDecoder {
  private final int maxAuthFrameBytes;
  private final ChatMetrics metrics;
  private boolean failed;

  DirectAuthCheck(int maxAuthFrameBytes, ChatMetrics metrics) {
    this.maxAuthFrameBytes = maxAuthFrameBytes;
    this.metrics = metrics;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (failed) {
      in.skipBytes(in.readableBytes());
      return;
    }
    if (in.readableBytes() < BYTES) {
      return;
    }
    int word = in.getInt(in.readerIndex());
    if (word <= 0) { // compressed or empty: the frame decoder's BAD_FRAME
      ctx.pipeline().remove(this);
      return;
    }
    if (word > maxAuthFrameBytes - BYTES) {
      fail(ctx, in, ErrorCode.FRAME_TOO_LARGE, "auth frame over " + maxAuthFrameBytes + " bytes");
      return;
    }
    if (in.readableBytes() < BYTES + word) {
      return;
    }
    ClientFrame first;
    try {
      first = ClientFrames.decodeBody(in.slice(in.readerIndex() + BYTES, word));
    } catch (ClientFrameException undecodable) {
      ctx.pipeline().remove(this); // the frame decoder reports it
      return;
    }
    if (first.getSetField() == null) {
      fail(ctx, in, ErrorCode.AUTH_REQUIRED, "the first frame must be Auth");
      return;
    }
    ctx.pipeline().remove(this); // hands the buffered bytes, pipelined frames included, downstream
  }

  private void fail(ChannelHandlerContext ctx, ByteBuf in, ErrorCode code, String message) {
    failed = true;
    in.skipBytes(in.readableBytes());
    metrics.error(code);
    ByteBuf error = ClientFrames.encode(ctx.alloc(), ClientFrames.error(code, message, true, null));
    ChannelFuture written = ctx.writeAndFlush(error);
    LingeringClose.after(written, LingeringClose.DEFAULT_LINGER_MILLIS);
  }
}
