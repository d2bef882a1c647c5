package io.presenter.gateway.backend;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.presenter.protocol.mux.MuxConfig;
import io.presenter.protocol.mux.MuxFrameCodec;
import io.presenter.protocol.mux.MuxMultiplexHandler;
import io.presenter.runtime.ring.Member;
import io.presenter.protocol.transport.Backoff;
import io.presenter.protocol.transport.Transport;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The multiplexed connections to one chat server: one per slot, slot i living on event loop i,
 * so a client on loop i relays through the connection on its own thread. Each slot reconnects
 * with exponential backoff and full jitter ({@link Backoff}) until the pool is closed (when the
 * server leaves the ring).
 */
public final class BackendPool {
  private static final Logger log = LoggerFactory.getLogger(BackendPool.class);

  private final Member member;
  private final List<EventLoop> loops;
  private final Transport transport;
  private final MuxConfig muxConfig;
  private final BackendSettings settings;
  private final AtomicReferenceArray<Channel> connections;
  private final Backoff[] backoff;
  private volatile boolean closed;

  BackendPool(Member member, List<EventLoop> loops, Transport transport, MuxConfig muxConfig, BackendSettings settings) {
    this.member = member;
    this.loops = loops;
    this.transport = transport;
    this.muxConfig = muxConfig;
    this.settings = settings;
    this.connections = new AtomicReferenceArray<>(loops.size());
    this.backoff = new Backoff[loops.size()];
    for (int slot = 0; slot < backoff.length; slot++) {
      backoff[slot] = new Backoff(settings.backoffMinMillis(), settings.backoffMaxMillis());
    }
  }

  public Member member() {
    return member;
  }

  void start() {
    for (int slot = 0; slot < loops.size(); slot++) {
      int s = slot;
      loops.get(slot).execute(() -> connect(s));
    }
  }

  private void connect(int slot) {
    if (closed) {
      return;
    }
    EventLoop loop = loops.get(slot);
    new Bootstrap()
        .group(loop)
        .channel(transport.socketChannel())
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) settings.connectTimeoutMillis())
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline().addLast("mux-codec", new MuxFrameCodec(muxConfig.maxFrameSize()));
            ch.pipeline().addLast("mux", new MuxMultiplexHandler(muxConfig, MuxMultiplexHandler.Role.CLIENT, null));
            ch.pipeline().addLast("health", new BackendConnectionHealth(settings.pingIntervalMillis(), settings.maxMissedPings()));
          }
        })
        .connect(new InetSocketAddress(member.host(), member.muxPort()))
        .addListener(f -> {
          if (!f.isSuccess()) {
            retry(slot, f.cause().toString());
            return;
          }
          Channel ch = ((io.netty.channel.ChannelFuture) f).channel();
          MuxMultiplexHandler.of(ch).ready().addListener(ready -> {
            if (ready.isSuccess() && !closed) {
              connections.set(slot, ch);
              backoff[slot].reset();
              log.info("backend connection {} to {} at {}:{} up, from {}", slot, member.id(), member.host(), member.muxPort(),
                  hostPort(ch.localAddress()));
            }
          });
          ch.closeFuture().addListener(c -> {
            if (connections.compareAndSet(slot, ch, null)) {
              log.info("backend connection {} to {} at {}:{} down, from {}{}", slot, member.id(), member.host(), member.muxPort(),
                  hostPort(ch.localAddress()), closed ? " (closed by the gateway)" : "");
            }
            retry(slot, "connection closed");
          });
          if (closed) {
            ch.close();
          }
        });
  }

  private static String hostPort(java.net.SocketAddress address) {
    return address instanceof InetSocketAddress a ? a.getHostString() + ":" + a.getPort() : String.valueOf(address);
  }

  private void retry(int slot, String why) {
    if (closed) {
      return;
    }
    // Full jitter spreads the reconnects of many gateways after a chat server restarts.
    long delay = backoff[slot].next();
    log.debug("backend {} slot {}: {}; reconnecting in {} ms", member.id(), slot, why, delay);
    loops.get(slot).schedule(() -> connect(slot), delay, TimeUnit.MILLISECONDS);
  }

  /**
   * A connection accepting new streams, preferring the one on {@code loop}; null if none is up.
   * Call from any thread; the answer may be stale by the time the stream opens, in which case the
   * open fails and the caller retries or re-routes.
   */
  public Channel connectionFor(EventLoop loop) {
    int preferred = loops.indexOf(loop);
    if (preferred >= 0 && usable(connections.get(preferred))) {
      return connections.get(preferred);
    }
    for (int i = 0; i < connections.length(); i++) {
      Channel ch = connections.get(i);
      if (usable(ch)) {
        return ch;
      }
    }
    return null;
  }

  private static boolean usable(Channel ch) {
    if (ch == null || !ch.isActive()) {
      return false;
    }
    MuxMultiplexHandler mux = MuxMultiplexHandler.of(ch);
    return mux != null && mux.isAcceptingNewStreams();
  }

  /** Connections currently up, for metrics and readiness. */
  public int liveConnections() {
    int n = 0;
    for (int i = 0; i < connections.length(); i++) {
      if (usable(connections.get(i))) {
        n++;
      }
    }
    return n;
  }

  /** Open streams over all connections (approximate when read off the event loops). */
  public int streams() {
    int n = 0;
    for (int i = 0; i < connections.length(); i++) {
      Channel ch = connections.get(i);
      if (ch != null && ch.isActive()) {
        n += MuxMultiplexHandler.of(ch).activeStreams();
      }
    }
    return n;
  }

  /** Closes every connection; their streams end as connection loss and re-route. */
  void close() {
    closed = true;
    for (int i = 0; i < connections.length(); i++) {
      Channel ch = connections.get(i);
      if (ch != null) {
        ch.close();
      }
    }
  }
}
