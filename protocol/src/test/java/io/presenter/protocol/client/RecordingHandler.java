package io.presenter.protocol.client;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.presenter.protocol.client.thrift.ClientFrame;
import java.util.ArrayList;
import java.util.List;

/** Last inbound handler: keeps every message and user event, in arrival order. */
final class RecordingHandler extends ChannelInboundHandlerAdapter {
  final List<Object> seen = new ArrayList<>();

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    seen.add(msg);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    seen.add(evt);
  }

  List<ClientFrame> frames() {
    return seen.stream()
        .filter(ClientFrame.class::isInstance)
        .map(ClientFrame.class::cast)
        .toList();
  }

  List<ClientFrameError> errors() {
    return seen.stream()
        .filter(ClientFrameError.class::isInstance)
        .map(ClientFrameError.class::cast)
        .toList();
  }
}
