package io.presenter.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.presenter.protocol.client.thrift.ClientFrame;
import io.presenter.protocol.mux.MuxStreamChannel;
import io.presenter.protocol.mux.StreamCloseInfo;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A client session over a mux stream, as a gateway would carry it: frames in, frames out. */
public final class TestSession extends SimpleChannelInboundHandler<ClientFrame> {
  private final BlockingQueue<ClientFrame> received = new LinkedBlockingQueue<>();
  private final CountDownLatch closed = new CountDownLatch(1);
  volatile MuxStreamChannel stream;

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    stream = (MuxStreamChannel) ctx.channel();
    ctx.fireChannelActive();
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, ClientFrame frame) {
    received.add(frame);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    closed.countDown();
    ctx.fireChannelInactive();
  }

  public void send(ClientFrame frame) {
    stream.writeAndFlush(frame).syncUninterruptibly();
  }

  /** Bytes as they are, for frames the Java encoder would not produce. */
  public void sendRaw(io.netty.buffer.ByteBuf bytes) {
    stream.writeAndFlush(bytes).syncUninterruptibly();
  }

  /** The next frame matching {@code match}, skipping others; fails after 10 s. */
  public ClientFrame next(Predicate<ClientFrame> match) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    for (;;) {
      long left = deadline - System.nanoTime();
      ClientFrame frame = left > 0 ? received.poll(left, TimeUnit.NANOSECONDS) : null;
      assertThat(frame).as("a matching frame within 10 s").isNotNull();
      if (match.test(frame)) {
        return frame;
      }
    }
  }

  /** The next frame of any kind; fails after 10 s. */
  public ClientFrame next() throws InterruptedException {
    return next(f -> true);
  }

  /** A frame matching {@code match} if one arrives within {@code wait}, else null. */
  public ClientFrame poll(Predicate<ClientFrame> match, Duration wait) throws InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    for (;;) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return null;
      }
      ClientFrame frame = received.poll(left, TimeUnit.NANOSECONDS);
      if (frame != null && match.test(frame)) {
        return frame;
      }
    }
  }

  public StreamCloseInfo awaitClosed() throws InterruptedException {
    assertThat(closed.await(10, TimeUnit.SECONDS)).as("stream closed within 10 s").isTrue();
    return stream.closeInfo();
  }

  public boolean isOpen() {
    return stream != null && stream.isOpen();
  }

  public void close() {
    if (stream != null) {
      stream.close().syncUninterruptibly();
    }
  }
}
