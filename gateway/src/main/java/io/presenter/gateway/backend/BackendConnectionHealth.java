package io.presenter.gateway.backend;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import io.presenter.protocol.mux.MuxMultiplexHandler;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pings a backend mux connection every interval and closes it after {@code maxMissed}
 * unanswered pings in a row; its streams then re-route like after a crash. Records the last RTT.
 */
final class BackendConnectionHealth extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(BackendConnectionHealth.class);

  private final long intervalMillis;
  private final int maxMissed;
  private ScheduledFuture<?> timer;
  private Future<Long> outstanding;
  private int missed;
  private volatile long lastRttNanos = -1;

  BackendConnectionHealth(long intervalMillis, int maxMissed) {
    this.intervalMillis = intervalMillis;
    this.maxMissed = maxMissed;
  }

  long lastRttNanos() {
    return lastRttNanos;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    timer = ctx.executor().scheduleAtFixedRate(() -> tick(ctx), intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
    ctx.fireChannelActive();
  }

  private void tick(ChannelHandlerContext ctx) {
    if (outstanding != null && !outstanding.isDone()) {
      if (++missed >= maxMissed) {
        log.warn("backend {} missed {} pings; closing it", ctx.channel().remoteAddress(), missed);
        ctx.close();
        return;
      }
    } else {
      missed = 0;
    }
    MuxMultiplexHandler mux = MuxMultiplexHandler.of(ctx.channel());
    if (mux != null && mux.peerSettings() != null && (outstanding == null || outstanding.isDone())) {
      outstanding = mux.ping();
      outstanding.addListener(f -> {
        if (f.isSuccess()) {
          lastRttNanos = (Long) f.getNow();
        }
      });
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (timer != null) {
      timer.cancel(false);
    }
    ctx.fireChannelInactive();
  }
}
