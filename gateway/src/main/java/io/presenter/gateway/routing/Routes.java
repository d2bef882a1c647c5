package io.presenter.gateway.routing;

import io.netty.channel.ChannelHandler;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.presenter.protocol.mux.MuxStreamChannel;
import io.presenter.protocol.mux.thrift.OpenStream;

/** Where the auth step and the relay open a client's stream; {@link Router} in production. */
public interface Routes {
  /**
   * Opens a stream for {@code spec.coupleId} on its owner with {@code streamHandler} in its
   * pipeline; {@code spec}'s ring version is set to the ring used. The future may complete on
   * another event loop than {@code clientLoop}.
   */
  Future<MuxStreamChannel> open(OpenStream spec, EventLoop clientLoop, ChannelHandler streamHandler);

  /** The version of the local ring. */
  long ringVersion();
}
