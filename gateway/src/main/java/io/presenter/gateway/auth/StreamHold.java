package io.presenter.gateway.auth;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * The handler a client's first stream opens with: stops reading (the chat server's answer waits,
 * within the stream's window, in the stream) until the relay takes the stream over through {@link
 * Authenticated#handOver}. Set before the stream is registered, so nothing is read before.
 */
@Sharable
final class StreamHold extends ChannelInboundHandlerAdapter {
  static final StreamHold INSTANCE = new StreamHold();

  private StreamHold() {}

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    ctx.channel().config().setAutoRead(false);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
