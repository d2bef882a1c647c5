package io.presenter.protocol.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A server says a last word and closes while its peer is still sending, over real loopback TCP.
 * The server side here stops reading (as a relay does once its session ended) so unread input
 * piles up in the kernel; a plain close would then reset the connection.
 */
class LingeringCloseTest {
  private static final byte[] LAST_WORD = "bye\n".getBytes(StandardCharsets.US_ASCII);

  private EventLoopGroup group;
  private Channel server;
  private final CompletableFuture<Channel> accepted = new CompletableFuture<>();
  private final AtomicLong discarded = new AtomicLong();

  @BeforeEach
  void listen() throws InterruptedException {
    group = Transport.best().newGroup(1, new DefaultThreadFactory("linger-test"));
    server = new ServerBootstrap()
        .group(group)
        .channel(Transport.best().serverChannel())
        .childHandler(new ChannelInitializer<>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.config().setAutoRead(false);
            ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
              @Override
              public void channelRead(ChannelHandlerContext ctx, Object msg) {
                discarded.addAndGet(((ByteBuf) msg).readableBytes());
                ReferenceCountUtil.release(msg);
              }
            });
            accepted.complete(ch);
          }
        })
        .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
  }

  @AfterEach
  void stop() {
    server.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  @Test
  void aSendingPeerReadsTheLastWordAndTheConnectionEndsWhenItCloses() throws Exception {
    try (Socket client = connect()) {
      Channel ch = accepted.get(5, TimeUnit.SECONDS);
      OutputStream out = client.getOutputStream();
      out.write(new byte[64 * 1024]); // unread by the server: sits in its receive buffer
      out.flush();

      long started = System.nanoTime();
      LingeringClose.after(ch.writeAndFlush(Unpooled.wrappedBuffer(LAST_WORD)), 10_000);
      out.write(new byte[16 * 1024]); // still sending after the server's last word
      out.flush();

      assertThat(readLine(client.getInputStream())).isEqualTo("bye");
      client.close(); // what a client does on GoAway
      assertThat(ch.closeFuture().await(5, TimeUnit.SECONDS)).isTrue();
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started))
          .as("closed when the peer closed, not at the linger deadline").isLessThan(5_000);
      assertThat(discarded.get()).as("input read and discarded while lingering").isPositive();
    }
  }

  @Test
  void aPeerThatNeverClosesIsClosedAtTheDeadline() throws Exception {
    try (Socket client = connect()) {
      Channel ch = accepted.get(5, TimeUnit.SECONDS);
      long started = System.nanoTime();
      LingeringClose.after(ch.writeAndFlush(Unpooled.wrappedBuffer(LAST_WORD)), 300);

      assertThat(readLine(client.getInputStream())).isEqualTo("bye");
      assertThat(ch.closeFuture().await(5, TimeUnit.SECONDS)).isTrue();
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isBetween(250L, 4_000L);
      assertThat(client.getInputStream().read()).as("end of stream").isEqualTo(-1);
    }
  }

  @Test
  void aPeerThatStopsReadingIsClosedAtTheDeadlineEvenIfTheLastWordCannotBeWritten() throws Exception {
    try (Socket client = connect()) {
      client.setReceiveBufferSize(4096);
      Channel ch = accepted.get(5, TimeUnit.SECONDS);
      // Queue far more than the kernel buffers take for a client that does not read, so the
      // last write cannot complete.
      byte[] chunk = new byte[256 * 1024];
      for (int i = 0; i < 128; i++) {
        ch.write(Unpooled.wrappedBuffer(chunk));
      }
      ch.flush();
      long started = System.nanoTime();
      ChannelFuture last = ch.writeAndFlush(Unpooled.wrappedBuffer(LAST_WORD));
      LingeringClose.after(last, 300);
      Thread.sleep(100);
      assertThat(last.isDone()).as("last write %s, active %s", last.cause(), ch.isActive()).isFalse();
      assertThat(ch.closeFuture().await(5, TimeUnit.SECONDS)).isTrue();
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isBetween(250L, 4_000L);
    }
  }

  private Socket connect() throws Exception {
    Socket socket = new Socket();
    socket.connect(server.localAddress(), 5_000);
    socket.setSoTimeout(5_000);
    return socket;
  }

  private static String readLine(InputStream in) throws Exception {
    StringBuilder line = new StringBuilder();
    for (int b = in.read(); b != '\n' && b != -1; b = in.read()) {
      line.append((char) b);
    }
    return line.toString();
  }
}
