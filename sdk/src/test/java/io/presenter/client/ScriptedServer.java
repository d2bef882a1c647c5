package io.presenter.client;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.ssl.SslContext;
import io.presenter.protocol.client.ClientFrameDecoder;
import io.presenter.protocol.client.ClientFrameEncoder;
import io.presenter.protocol.client.thrift.ClientFrame;
import io.presenter.runtime.tls.LocalCertificates;
import io.presenter.protocol.tls.TlsContexts;
import io.presenter.protocol.transport.Transport;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A TLS server on loopback that plays the chat server's side of the client protocol by script:
 * the test reads what the client sent ({@link #next}) and writes frames on the latest connection
 * ({@link #write}). For client behaviour a real cluster cannot be made to show (a silent peer, a
 * gap in seqs).
 */
final class ScriptedServer implements AutoCloseable {
  private final EventLoopGroup group = Transport.best().newGroup(1, r -> new Thread(r, "scripted-server"));
  private final BlockingQueue<ClientFrame> received = new LinkedBlockingQueue<>();
  private final BlockingQueue<Channel> connections = new LinkedBlockingQueue<>();
  private final Channel listener;
  final Path ca;
  private volatile Channel current;

  ScriptedServer(Path dir) throws Exception {
    LocalCertificates.Files3 certs = LocalCertificates.create(dir);
    SslContext ssl = TlsContexts.server(certs.certificate().toFile(), certs.privateKey().toFile());
    this.ca = certs.ca();
    listener = new ServerBootstrap()
        .group(group)
        .channel(Transport.best().serverChannel())
        .childHandler(new ChannelInitializer<>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline()
                .addLast(ssl.newHandler(ch.alloc()))
                .addLast(new ClientFrameDecoder())
                .addLast(ClientFrameEncoder.INSTANCE)
                .addLast(new SimpleChannelInboundHandler<ClientFrame>() {
                  @Override
                  public void channelActive(ChannelHandlerContext ctx) {
                    current = ctx.channel();
                    connections.add(ctx.channel());
                  }

                  @Override
                  protected void channelRead0(ChannelHandlerContext ctx, ClientFrame frame) {
                    received.add(frame);
                  }
                });
          }
        })
        .bind("127.0.0.1", 0).sync().channel();
  }

  int port() {
    return ((java.net.InetSocketAddress) listener.localAddress()).getPort();
  }

  /** The next frame any connection sent, skipping pings; fails after 10 s. */
  ClientFrame next() throws InterruptedException {
    while (true) {
      ClientFrame f = received.poll(10, TimeUnit.SECONDS);
      if (f == null) {
        throw new AssertionError("no frame from the client within 10 s");
      }
      if (!f.isSetPing()) {
        return f;
      }
    }
  }

  /** The next accepted connection; fails after 10 s. */
  Channel nextConnection() throws InterruptedException {
    Channel ch = connections.poll(10, TimeUnit.SECONDS);
    if (ch == null) {
      throw new AssertionError("no connection within 10 s");
    }
    return ch;
  }

  void write(ClientFrame frame) {
    current.writeAndFlush(frame);
  }

  @Override
  public void close() {
    listener.close().awaitUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
  }
}
