package io.presenter.gateway.relay;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.presenter.protocol.mux.MuxStreamChannel;
import io.presenter.protocol.mux.StreamCloseInfo;

/**
 * On the session's stream (and on each stream it moves to): payload goes to the client as plain
 * bytes, TLS encrypts it. Stops reading the stream while the client socket is not writable, which
 * holds back the stream's credit so the chat server stops sending. The session learns of the
 * stream's end from its close future.
 */
@Sharable
final class StreamSide extends ChannelInboundHandlerAdapter {
  private final RelaySession session;

  StreamSide(RelaySession session) {
    this.session = session;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf buf) {
      session.fromServer((MuxStreamChannel) ctx.channel(), buf);
    } else {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    session.serverReadComplete((MuxStreamChannel) ctx.channel());
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    session.streamWritabilityChanged((MuxStreamChannel) ctx.channel());
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof StreamCloseInfo) {
      session.streamClosingWithDataQueued((MuxStreamChannel) ctx.channel());
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
