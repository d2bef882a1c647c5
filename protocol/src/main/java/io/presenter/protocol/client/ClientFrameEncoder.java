package io.presenter.protocol.client;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;
import io.presenter.protocol.client.thrift.ClientFrame;

/**
 * Encodes {@link ClientFrame} messages into length word + Thrift Compact body (see {@link
 * ClientFrameCodec}). Stateless and shared: use {@link #INSTANCE}.
 *
 * <p>When {@link ClientFrameCodec#SNAPPY} is set on the channel, a body of at least {@link
 * ClientFrameCodec#MIN_COMPRESSED_BODY_BYTES} is sent as a Snappy block with bit 31 set if that is
 * smaller than the plain body.
 *
 * <p>Writes one buffer per frame, which the transport releases; other messages pass through
 * unchanged. A frame that cannot be encoded (a union with no field set) fails the write promise
 * with an {@code EncoderException}; nothing is written for it. The encoder does not enforce the
 * peer's frame limit; senders keep bodies within it (AuthOk.maxFrameSize).
 */
@Sharable
public final class ClientFrameEncoder extends MessageToByteEncoder<ClientFrame> {
  public static final ClientFrameEncoder INSTANCE = new ClientFrameEncoder();

  private ClientFrameEncoder() {
    super(ClientFrame.class);
  }

  @Override
  protected void encode(ChannelHandlerContext ctx, ClientFrame frame, ByteBuf out) {
    FrameBody.write(frame, out, ctx.alloc(), ClientFrameCodec.isSnappyEnabled(ctx.channel()));
  }
}
