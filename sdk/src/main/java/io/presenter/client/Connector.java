package io.presenter.client;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.presenter.protocol.client.ClientFrameDecoder;
import io.presenter.protocol.client.ClientFrameEncoder;
import io.presenter.protocol.transport.Transport;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLParameters;

/**
 * Opens one client connection: to the gateway the configured choice names for this attempt (by
 * default a random one of the list), resolved through DNS on every attempt (DNS steers clients to
 * idle gateways), from the configured local address if any, TLS with host name verification, then
 * the pipeline {@code tls -> keepalive -> decoder -> encoder -> session}.
 */
final class Connector {
  private final ClientConfig config;
  private final Bootstrap bootstrap;

  Connector(ClientConfig config, EventLoop loop) {
    this.config = config;
    this.bootstrap = new Bootstrap().group(loop).channel(Transport.best().socketChannel());
  }

  ChannelFuture connect(ClientCore core) {
    InetSocketAddress gw = config.gateways().get();
    InetSocketAddress target = InetSocketAddress.createUnresolved(gw.getHostString(), gw.getPort());
    Bootstrap b = bootstrap.clone().handler(initializer(core, target));
    return config.localAddress() == null ? b.connect(target) : b.connect(target, new InetSocketAddress(config.localAddress(), 0));
  }

  private ChannelInitializer<Channel> initializer(ClientCore core, InetSocketAddress target) {
    return new ChannelInitializer<>() {
      @Override
      protected void initChannel(Channel ch) {
        // Host and port key the context's client session cache (so reconnects resume); a
        // tlsSessionKey stands in for the port to keep this client's sessions its own.
        int sessionPort = config.tlsSessionKey() > 0 ? config.tlsSessionKey() : target.getPort();
        SslHandler tls = config.ssl().newHandler(ch.alloc(), target.getHostString(), sessionPort);
        SSLParameters params = tls.engine().getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS");
        tls.engine().setSSLParameters(params);
        long keepalive = config.keepalive().toMillis();
        ch.pipeline()
            .addLast("tls", tls)
            .addLast("keepalive", new IdleStateHandler(0, keepalive, 0, TimeUnit.MILLISECONDS))
            .addLast("decoder", new ClientFrameDecoder())
            .addLast("encoder", ClientFrameEncoder.INSTANCE)
            .addLast("session", new ClientChannelHandler(core));
      }
    };
  }
}
