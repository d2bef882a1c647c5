package io.presenter.protocol.transport;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/** The native transport (epoll) when it loads, NIO otherwise; chosen once per process. */
public enum Transport {
  EPOLL,
  NIO;

  private static final long SHUTDOWN_QUIET_MILLIS = 100;

  /** Epoll if available and not disabled with {@code -Dpresenter.transport=nio}. */
  public static Transport best() {
    if ("nio".equalsIgnoreCase(System.getProperty("presenter.transport"))) {
      return NIO;
    }
    return Epoll.isAvailable() ? EPOLL : NIO;
  }

  public IoHandlerFactory ioHandlerFactory() {
    return this == EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
  }

  /** {@code threads <= 0} means one per core (not Netty's default of two per core). */
  public EventLoopGroup newGroup(int threads, ThreadFactory threadFactory) {
    int n = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    return new MultiThreadIoEventLoopGroup(n, threadFactory, ioHandlerFactory());
  }

  /**
   * Stops {@code group}, closing every channel on it, and waits at most {@code timeoutMillis}.
   * A server's child channel accepted just before its listener closed may still have its
   * registration queued when the loop starts to shut down; it registers during the shutdown, and
   * only a further shutdown round closes it (and frees its TLS engine). The short quiet period
   * forces that round: with a quiet period of 0 such a connection stayed open for good.
   */
  public static void shutDown(EventLoopGroup group, long timeoutMillis) {
    group.shutdownGracefully(Math.min(SHUTDOWN_QUIET_MILLIS, timeoutMillis), timeoutMillis, TimeUnit.MILLISECONDS).awaitUninterruptibly();
  }

  public Class<? extends ServerChannel> serverChannel() {
    return this == EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
  }

  public Class<? extends SocketChannel> socketChannel() {
    return this == EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
  }
}
