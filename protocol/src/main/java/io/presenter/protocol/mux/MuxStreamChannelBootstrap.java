package io.presenter.protocol.mux;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.presenter.protocol.mux.thrift.OpenStream;
import java.util.Objects;

/**
 * Opens outbound streams on a mux connection, like Netty's {@code Http2StreamChannelBootstrap}:
 *
 * <pre>{@code
 * new MuxStreamChannelBootstrap(backendConnection)
 *     .handler(relayHandler)
 *     .open(new OpenStream().setCoupleId(couple).setAuthFrame(authBytes))
 *     .addListener(...);
 * }</pre>
 *
 * The returned future completes on the connection's event loop once the OpenStream frame is
 * queued and the stream channel registered (there is no open acknowledgement in the protocol:
 * a refusal arrives as a Close and shows in {@link MuxStreamChannel#closeInfo()}). It fails if
 * the connection is not ready, is going away, or is at the peer's stream limit.
 */
public final class MuxStreamChannelBootstrap {
  private final Channel parent;
  private ChannelHandler handler;

  public MuxStreamChannelBootstrap(Channel parent) {
    this.parent = Objects.requireNonNull(parent, "parent");
  }

  /** The handler added to each opened stream's pipeline (must be sharable if reused). */
  public MuxStreamChannelBootstrap handler(ChannelHandler handler) {
    this.handler = Objects.requireNonNull(handler, "handler");
    return this;
  }

  /**
   * Opens a stream; {@code spec}'s stream id is assigned here (the argument is not modified). The
   * stream's {@link MuxStreamChannel#openSpec()} is a copy that shares {@code spec}'s values (the
   * auth frame's bytes, the TLS facts): do not change those in place afterwards.
   */
  public Future<MuxStreamChannel> open(OpenStream spec) {
    Objects.requireNonNull(handler, "handler");
    Promise<MuxStreamChannel> promise = parent.eventLoop().newPromise();
    MuxMultiplexHandler connection = MuxMultiplexHandler.of(parent);
    if (connection == null) {
      return promise.setFailure(new IllegalStateException("not a mux connection: " + parent));
    }
    if (parent.eventLoop().inEventLoop()) {
      connection.openStream(spec, handler, promise);
    } else {
      parent.eventLoop().execute(() -> connection.openStream(spec, handler, promise));
    }
    return promise;
  }
}
