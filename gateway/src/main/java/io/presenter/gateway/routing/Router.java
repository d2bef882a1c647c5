package io.presenter.gateway.routing;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.FailedFuture;
import io.presenter.gateway.backend.BackendPool;
import io.presenter.gateway.backend.BackendPools;
import io.presenter.protocol.mux.MuxStreamChannel;
import io.presenter.protocol.mux.MuxStreamChannelBootstrap;
import io.presenter.protocol.mux.thrift.OpenStream;
import io.presenter.runtime.ring.HashRing;
import io.presenter.runtime.ring.Member;
import io.presenter.runtime.ring.MembershipView;

/**
 * Finds a couple's chat server on the current ring (an immutable snapshot, so a lookup never
 * sees half an update) and opens a stream to it on a backend connection, preferring the one on
 * the client's own event loop.
 */
public final class Router implements Routes {
  /** Why a stream could not be opened. */
  public static final class NoRouteException extends Exception {
    private static final long serialVersionUID = 1L;

    NoRouteException(String message) {
      super(message, null, false, false);
    }
  }

  private final MembershipView view;
  private final BackendPools pools;

  public Router(MembershipView view, BackendPools pools) {
    this.view = view;
    this.pools = pools;
  }

  @Override
  public long ringVersion() {
    return view.ring().version();
  }

  /**
   * Opens a stream for {@code spec.coupleId} on its owner; {@code spec}'s ring version is set to
   * the ring used. Fails with {@link NoRouteException} when no server owns the couple or none of
   * its connections is up.
   */
  @Override
  public Future<MuxStreamChannel> open(OpenStream spec, EventLoop clientLoop, ChannelHandler streamHandler) {
    HashRing ring = view.ring();
    Member owner = ring.ownerOf(spec.getCoupleId());
    if (owner == null) {
      return new FailedFuture<>(clientLoop, new NoRouteException("no chat server on the ring"));
    }
    BackendPool pool = pools.pool(owner.id());
    Channel connection = pool == null ? null : pool.connectionFor(clientLoop);
    if (connection == null) {
      return new FailedFuture<>(clientLoop, new NoRouteException("no connection to " + owner.id()));
    }
    spec.setRingVersion(ring.version());
    return new MuxStreamChannelBootstrap(connection).handler(streamHandler).open(spec);
  }
}
