package io.presenter.gateway.auth;

import io.netty.channel.ChannelHandler;
import io.presenter.protocol.mux.MuxStreamChannel;
import io.presenter.protocol.mux.thrift.OpenStream;

/**
 * User event fired by {@link AuthHandler} on the client channel once the client is verified and
 * its stream to the couple's chat server is open. The stream is held, not read, until its new
 * owner calls {@link #handOver}; whoever handles the event owns the stream from then on (and must
 * close it if it cannot relay).
 *
 * @param stream the open stream, living on its backend connection's event loop
 * @param spec what the stream was opened with (identity, client facts, the raw auth frame), for
 *     opening the session again on another chat server
 */
public record Authenticated(MuxStreamChannel stream, OpenStream spec) {
  /**
   * Puts {@code handler} in the stream's pipeline in place of the hold and starts reading; done on
   * the stream's event loop, so no event of the stream is missed or seen by both.
   */
  public void handOver(String name, ChannelHandler handler) {
    if (stream.eventLoop().inEventLoop()) {
      claim(name, handler);
    } else {
      stream.eventLoop().execute(() -> claim(name, handler));
    }
  }

  private void claim(String name, ChannelHandler handler) {
    if (stream.isOpen()) {
      stream.pipeline().replace(StreamHold.INSTANCE, name, handler);
      stream.config().setAutoRead(true);
    }
  }
}
