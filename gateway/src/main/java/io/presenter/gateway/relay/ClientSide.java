package io.presenter.gateway.relay;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.presenter.gateway.metrics.CloseReason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On the client channel after auth: every ByteBuf read (already decrypted by TLS) goes to the
 * session's stream as is; the stream frames it as mux Data without copying. Stops reading from
 * the client while the stream cannot take more (flow-control window or backend connection full).
 */
public final class ClientSide extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(ClientSide.class);

  private final RelaySession session;

  ClientSide(RelaySession session) {
    this.session = session;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf buf) {
      session.fromClient(buf);
    } else {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    session.clientReadComplete();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    session.clientWritabilityChanged(ctx.channel().isWritable());
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("client {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
    CloseReason.ERROR.setOn(ctx.channel());
    ctx.close();
  }
}
