package io.presenter.chat;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.presenter.protocol.client.ClientFrameDecoder;
import io.presenter.protocol.client.ClientFrameEncoder;
import io.presenter.protocol.client.ClientFrames;
import io.presenter.protocol.mux.MuxConfig;
import io.presenter.protocol.mux.MuxFrameCodec;
import io.presenter.protocol.mux.MuxMultiplexHandler;
import io.presenter.protocol.mux.MuxStreamChannelBootstrap;
import io.presenter.protocol.mux.thrift.OpenStream;
import java.net.InetSocketAddress;

/** Plays the gateway's part towards chat servers in tests: mux connections, one stream per session. */
public final class MuxTestClient implements AutoCloseable {
  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());

  public Channel connect(int port) throws InterruptedException {
    Channel channel =
        new Bootstrap()
            .group(group)
            .channel(NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .handler(new ChannelInitializer<Channel>() {
              @Override
              protected void initChannel(Channel ch) {
                MuxConfig config = MuxConfig.defaults("test-gateway");
                ch.pipeline().addLast(new MuxFrameCodec(config.maxFrameSize()));
                ch.pipeline().addLast(new MuxMultiplexHandler(config, MuxMultiplexHandler.Role.CLIENT, null));
              }
            })
            .connect(new InetSocketAddress("127.0.0.1", port))
            .sync()
            .channel();
    MuxMultiplexHandler.of(channel).ready().sync();
    return channel;
  }

  /** Opens a stream carrying an Auth frame for the token's couple, like a gateway after verifying it. */
  public TestSession open(Channel connection, String token, String coupleId, String deviceId, long lastSeenSeq, int reopenCount)
      throws InterruptedException {
    ByteBuf auth = ClientFrames.encode(UnpooledByteBufAllocator.DEFAULT, ClientFrames.auth(token, deviceId, lastSeenSeq, 0));
    byte[] authFrame = ByteBufUtil.getBytes(auth);
    auth.release();
    TestSession session = new TestSession();
    OpenStream spec =
        new OpenStream().setCoupleId(coupleId).setDeviceId(deviceId).setAuthFrame(authFrame).setReopenCount(reopenCount);
    new MuxStreamChannelBootstrap(connection)
        .handler(new ChannelInitializer<io.presenter.protocol.mux.MuxStreamChannel>() {
          @Override
          protected void initChannel(io.presenter.protocol.mux.MuxStreamChannel ch) {
            ch.pipeline().addLast(new ClientFrameDecoder(), ClientFrameEncoder.INSTANCE, session);
          }
        })
        .open(spec)
        .sync();
    return session;
  }

  @Override
  public void close() {
    group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
  }
}
