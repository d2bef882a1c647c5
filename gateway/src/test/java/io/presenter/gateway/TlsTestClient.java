package io.presenter.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.presenter.protocol.client.ClientFrameDecoder;
import io.presenter.protocol.client.ClientFrameEncoder;
import io.presenter.protocol.client.ClientFrames;
import io.presenter.protocol.client.thrift.ClientFrame;
import io.presenter.protocol.tls.TlsContexts;
import java.io.File;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A phone, as far as tests need one: TLS to a gateway, client-protocol frames both ways. */
public final class TlsTestClient implements AutoCloseable {
  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final SslContext tls;

  public TlsTestClient(File ca) throws Exception {
    tls = TlsContexts.client(ca);
  }

  /** Connects and authenticates with {@code token} as {@code device}; the answer must be AuthOk. */
  public Conn login(int port, String token, String device) throws InterruptedException {
    return login(port, token, device, 0);
  }

  /** {@link #login(int, String, String)} resuming after {@code lastSeenSeq}. */
  public Conn login(int port, String token, String device, long lastSeenSeq) throws InterruptedException {
    Conn conn = connect(port);
    conn.send(ClientFrames.auth(token, device, lastSeenSeq, 0));
    ClientFrame ok = conn.next();
    assertThat(ok.isSetAuthOk()).as("AuthOk, got %s", ok).isTrue();
    return conn;
  }

  /** A connection; frames it receives queue up in {@link Conn}. */
  public Conn connect(int port) throws InterruptedException {
    Conn conn = new Conn();
    conn.channel =
        new Bootstrap()
            .group(group)
            .channel(NioSocketChannel.class)
            .handler(new ChannelInitializer<Channel>() {
              @Override
              protected void initChannel(Channel ch) {
                ch.pipeline().addLast(tls.newHandler(ch.alloc(), "localhost", port));
                ch.pipeline().addLast(new ClientFrameDecoder(), ClientFrameEncoder.INSTANCE, conn);
              }
            })
            .connect(new InetSocketAddress("127.0.0.1", port))
            .sync()
            .channel();
    return conn;
  }

  /** A plain TCP connection for sending garbage. */
  public Channel connectPlain(int port) throws InterruptedException {
    return new Bootstrap()
        .group(group)
        .channel(NioSocketChannel.class)
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {}
        })
        .connect(new InetSocketAddress("127.0.0.1", port))
        .sync()
        .channel();
  }

  @Override
  public void close() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  /** One client connection. */
  public static final class Conn extends SimpleChannelInboundHandler<ClientFrame> {
    private final BlockingQueue<ClientFrame> received = new LinkedBlockingQueue<>();
    private volatile boolean closeOnGoAway;
    Channel channel;

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ClientFrame frame) {
      received.add(frame);
      if (closeOnGoAway && frame.isSetGoAway()) {
        ctx.close();
      }
    }

    /** From now on this client closes the connection on GoAway, as the protocol asks of clients. */
    public Conn closingOnGoAway() {
      closeOnGoAway = true;
      return this;
    }

    public void send(ClientFrame frame) {
      channel.writeAndFlush(frame).syncUninterruptibly();
    }

    public void sendRaw(ByteBuf bytes) {
      channel.writeAndFlush(bytes).syncUninterruptibly();
    }

    public ClientFrame next(Predicate<ClientFrame> match) throws InterruptedException {
      long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
      for (;;) {
        long left = deadline - System.nanoTime();
        ClientFrame frame = left > 0 ? received.poll(left, TimeUnit.NANOSECONDS) : null;
        assertThat(frame).as("a matching frame within 15 s").isNotNull();
        if (match.test(frame)) {
          return frame;
        }
      }
    }

    public ClientFrame next() throws InterruptedException {
      return next(f -> true);
    }

    public boolean awaitClosed(Duration timeout) {
      return channel.closeFuture().awaitUninterruptibly(timeout.toMillis());
    }

    public Channel channel() {
      return channel;
    }
  }
}
