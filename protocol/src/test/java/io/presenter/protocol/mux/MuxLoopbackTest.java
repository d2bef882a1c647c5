package io.presenter.protocol.mux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.Future;
import io.presenter.protocol.mux.thrift.OpenStream;
import io.presenter.protocol.testing.LeakCheck;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Thousands of streams on one mux connection over real loopback TCP, both directions at once,
 * one stream whose reader never reads: the others must complete and the stuck stream must hold
 * no more than its window on either side.
 */
@ExtendWith(LeakCheck.class)
class MuxLoopbackTest {
  private static final int STREAMS = 2000;
  private static final int DOWN_BYTES = 16 * 1024; // server -> client per stream
  private static final int UP_BYTES = 4 * 1024; // client -> server per stream
  private static final int WINDOW = 8 * 1024;
  private static final int SLOW = 7; // index of the stream that never reads

  private EventLoopGroup serverGroup;
  private EventLoopGroup clientGroup;
  private final Map<Integer, AtomicLong> receivedByServer = new ConcurrentHashMap<>();
  private final Map<Integer, Producer> serverProducers = new ConcurrentHashMap<>();

  @BeforeEach
  void start() {
    serverGroup = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    clientGroup = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  }

  @AfterEach
  void stop() {
    clientGroup.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    serverGroup.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
  }

  @Test
  @Timeout(120)
  void manyInterleavedStreamsKeepFlowingPastOneStuckReader() throws Exception {
    MuxConfig config = MuxConfig.defaults("test").withInitialStreamWindow(WINDOW).withMaxFrameSize(4096);
    Channel server = new ServerBootstrap()
        .group(serverGroup)
        .channel(NioServerSocketChannel.class)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline().addLast(new MuxFrameCodec(config.maxFrameSize()));
            ch.pipeline().addLast(new MuxMultiplexHandler(config, MuxMultiplexHandler.Role.SERVER, new ChannelInitializer<MuxStreamChannel>() {
              @Override
              protected void initChannel(MuxStreamChannel stream) {
                int index = Integer.parseInt(stream.openSpec().getDeviceId());
                AtomicLong counter = receivedByServer.computeIfAbsent(index, i -> new AtomicLong());
                Producer producer = new Producer(DOWN_BYTES);
                serverProducers.put(index, producer);
                stream.pipeline().addLast(producer, new Counter(counter));
              }
            }));
          }
        })
        .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();

    Channel connection = new Bootstrap()
        .group(clientGroup)
        .channel(NioSocketChannel.class)
        .option(ChannelOption.TCP_NODELAY, true)
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline().addLast(new MuxFrameCodec(config.maxFrameSize()));
            ch.pipeline().addLast(new MuxMultiplexHandler(config, MuxMultiplexHandler.Role.CLIENT, null));
          }
        })
        .connect(server.localAddress()).sync().channel();
    MuxMultiplexHandler.of(connection).ready().await(5, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(MuxMultiplexHandler.of(connection).ready().isSuccess()).as("handshake: %s", MuxMultiplexHandler.of(connection).ready().cause()).isTrue();

    List<AtomicLong> receivedByClient = new ArrayList<>();
    List<MuxStreamChannel> streams = new ArrayList<>();
    for (int i = 0; i < STREAMS; i++) {
      AtomicLong counter = new AtomicLong();
      receivedByClient.add(counter);
      int index = i;
      Future<MuxStreamChannel> opened = new MuxStreamChannelBootstrap(connection)
          .handler(new ChannelInitializer<MuxStreamChannel>() {
            @Override
            protected void initChannel(MuxStreamChannel stream) {
              if (index == SLOW) {
                stream.config().setAutoRead(false);
              }
              stream.pipeline().addLast(new Producer(UP_BYTES), new Counter(counter));
            }
          })
          .open(new OpenStream().setDeviceId(Integer.toString(i)).setCoupleId("c" + i));
      streams.add(opened.sync().getNow());
    }

    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      for (int i = 0; i < STREAMS; i++) {
        if (i != SLOW) {
          assertThat(receivedByClient.get(i).get()).as("client stream %d", i).isEqualTo(DOWN_BYTES);
        }
        assertThat(receivedByServer.get(i)).as("server stream %d", i).isNotNull();
        assertThat(receivedByServer.get(i).get()).as("server stream %d", i).isEqualTo(UP_BYTES);
      }
    });

    // The stuck stream: nothing delivered, and the server could hand off at most one window.
    MuxStreamChannel slow = streams.get(SLOW);
    assertThat(receivedByClient.get(SLOW).get()).isZero();
    Producer slowProducer = serverProducers.get(SLOW);
    MuxStreamChannel slowServerSide = slowProducer.stream;
    assertThat(onLoop(slow, slow::queuedInboundBytes)).isEqualTo(WINDOW);
    assertThat(onLoop(slowServerSide, slowServerSide::sendCredit)).isZero();
    assertThat(onLoop(slowServerSide, slowServerSide::isWritable)).isFalse();
    // What the producer wrote: one window on the wire, the rest queued below the high-water mark.
    assertThat(slowProducer.written)
        .isLessThanOrEqualTo(WINDOW + slowServerSide.config().getWriteBufferHighWaterMark() + Producer.CHUNK);

    // Reading the stuck stream releases it: the rest flows and it completes too.
    slow.config().setAutoRead(true);
    await().atMost(Duration.ofSeconds(10)).until(() -> receivedByClient.get(SLOW).get() == DOWN_BYTES);

    for (MuxStreamChannel stream : streams) {
      stream.close().sync();
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> onLoop(connection, () -> MuxMultiplexHandler.of(connection).activeStreams()) == 0);
    connection.close().sync();
    server.close().sync();
  }

  private static <T> T onLoop(Channel channel, java.util.concurrent.Callable<T> task) throws Exception {
    return channel.eventLoop().submit(task).get();
  }

  /** Writes {@code total} bytes in chunks while the channel is writable. */
  static final class Producer extends ChannelInboundHandlerAdapter {
    static final int CHUNK = 1024;
    private final int total;
    volatile long written;
    volatile MuxStreamChannel stream;

    Producer(int total) {
      this.total = total;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      stream = (MuxStreamChannel) ctx.channel();
      produce(ctx);
      ctx.fireChannelActive();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      produce(ctx);
      ctx.fireChannelWritabilityChanged();
    }

    private void produce(ChannelHandlerContext ctx) {
      boolean wrote = false;
      while (written < total && ctx.channel().isWritable()) {
        int n = (int) Math.min(CHUNK, total - written);
        ByteBuf chunk = ctx.alloc().buffer(n).writeZero(n);
        ctx.write(chunk);
        written += n;
        wrote = true;
      }
      if (wrote) {
        ctx.flush();
      }
    }
  }

  /** Counts and releases what it reads. */
  static final class Counter extends ChannelInboundHandlerAdapter {
    private final AtomicLong counter;

    Counter(AtomicLong counter) {
      this.counter = counter;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf buf = (ByteBuf) msg;
      counter.addAndGet(buf.readableBytes());
      buf.release();
    }
  }
}
