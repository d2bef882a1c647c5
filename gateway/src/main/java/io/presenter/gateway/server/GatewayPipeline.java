package io.presenter.gateway.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.presenter.gateway.auth.AuthHandler;
import io.presenter.gateway.auth.AuthSettings;
import io.presenter.gateway.auth.Authenticated;
import io.presenter.gateway.drain.DrainController;
import io.presenter.gateway.limits.ConnectionLimits;
import io.presenter.gateway.limits.ConnectionTracker;
import io.presenter.gateway.metrics.GatewayMetrics;
import io.presenter.gateway.relay.RelaySession;
import io.presenter.gateway.routing.Routes;
import io.presenter.runtime.token.TokenVerifier;
import java.net.InetSocketAddress;

/**
 * The client pipeline, built in named steps: admission ({@code tracker} alone closes a refused
 * connection), then {@code tls}, {@code tracker} (handshake and connection accounting, the close
 * reason counted once), {@code auth}, {@code relay}. The relay step waits for the auth step's
 * {@link Authenticated} event, then becomes the connection's {@link RelaySession} (registered with
 * the drain controller); the auth step removes itself. After that the pipeline holds only TLS,
 * the tracker and the relay.
 */
final class GatewayPipeline extends ChannelInitializer<Channel> {
  static final String TLS = "tls";
  static final String TRACKER = "tracker";
  static final String AUTH = "auth";
  static final String RELAY = "relay";

  private final ChannelGroup clients;
  private final ConnectionLimits limits;
  private final GatewayMetrics metrics;
  private final SslContext tls;
  private final AuthSettings auth;
  private final TokenVerifier tokens;
  private final Routes routes;
  private final DrainController drain;

  GatewayPipeline(
      ChannelGroup clients, ConnectionLimits limits, GatewayMetrics metrics, SslContext tls, AuthSettings auth,
      TokenVerifier tokens, Routes routes, DrainController drain) {
    this.clients = clients;
    this.limits = limits;
    this.metrics = metrics;
    this.tls = tls;
    this.auth = auth;
    this.tokens = tokens;
    this.routes = routes;
    this.drain = drain;
  }

  @Override
  protected void initChannel(Channel ch) {
    clients.add(ch);
    if (!ch.isOpen()) {
      return; // registered after the gateway stopped: the group closed it
    }
    var tracker = new ConnectionTracker(limits, metrics, ((InetSocketAddress) ch.remoteAddress()).getAddress());
    if (!tracker.admitted()) {
      ch.pipeline().addLast(TRACKER, tracker); // records the refusal and closes before any TLS work
      return;
    }
    addTls(ch);
    // After TLS: SslHandler fires its handshake events towards the tail.
    ch.pipeline().addLast(TRACKER, tracker);
    addAuth(ch);
    addRelay(ch);
  }

  private void addTls(Channel ch) {
    SslHandler ssl = tls.newHandler(ch.alloc());
    ssl.setHandshakeTimeoutMillis(limits.handshakeTimeoutMillis());
    ch.pipeline().addLast(TLS, ssl);
  }

  private void addAuth(Channel ch) {
    ch.pipeline().addLast(AUTH, new AuthHandler(auth, tokens, routes, metrics));
  }

  private void addRelay(Channel ch) {
    ch.pipeline().addLast(RELAY, new RelayStep());
  }

  /** Holds the relay's place until the client is authenticated, then becomes the relay. */
  private final class RelayStep extends ChannelInboundHandlerAdapter {
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (!(evt instanceof Authenticated authenticated)) {
        ctx.fireUserEventTriggered(evt);
        return;
      }
      RelaySession session = new RelaySession(ctx.channel(), authenticated, routes, metrics, auth.rerouteTimeoutMillis());
      ctx.pipeline().replace(this, RELAY, session.clientHandler());
      session.start();
      drain.register(session, ctx.channel());
    }
  }
}
