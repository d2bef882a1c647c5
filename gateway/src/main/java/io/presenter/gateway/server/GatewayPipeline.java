package io.presenter.gateway.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.presenter.gateway.auth.AuthHandler;
import io.presenter.gateway.auth.AuthSettings;
import io.presenter.gateway.drain.DrainController;
import io.presenter.gateway.limits.ConnectionLimits;
import io.presenter.gateway.limits.ConnectionTracker;
import io.presenter.gateway.metrics.CloseReason;
import io.presenter.gateway.metrics.GatewayMetrics;
import io.presenter.gateway.routing.Router;
import io.presenter.runtime.token.TokenVerifier;
import java.net.InetSocketAddress;

/**
 * The client pipeline, built in named steps: admission, then {@code tls}, {@code tracker}
 * (handshake and connection accounting), {@code auth}. The auth step replaces itself with
 * {@code relay} once the client's stream is open; after that the pipeline holds only TLS, the
 * tracker and the relay.
 */
final class GatewayPipeline extends ChannelInitializer<Channel> {
  static final String TRACKER = "tracker";
  static final String TLS = "tls";
  static final String AUTH = "auth";

  private final ConnectionLimits limits;
  private final GatewayMetrics metrics;
  private final SslContext tls;
  private final AuthSettings auth;
  private final TokenVerifier tokens;
  private final Router router;
  private final DrainController drain;

  GatewayPipeline(
      ConnectionLimits limits, GatewayMetrics metrics, SslContext tls, AuthSettings auth, TokenVerifier tokens, Router router,
      DrainController drain) {
    this.limits = limits;
    this.metrics = metrics;
    this.tls = tls;
    this.auth = auth;
    this.tokens = tokens;
    this.router = router;
    this.drain = drain;
  }

  @Override
  protected void initChannel(Channel ch) {
    var ip = ((InetSocketAddress) ch.remoteAddress()).getAddress();
    CloseReason refused = limits.admit(ip);
    if (refused != null) {
      metrics.closed(refused);
      ch.close();
      return;
    }
    addTls(ch);
    // After TLS: SslHandler fires its handshake events towards the tail.
    ch.pipeline().addLast(TRACKER, new ConnectionTracker(limits, metrics, ip));
    ch.pipeline().addLast(AUTH, new AuthHandler(auth, tokens, router, metrics, drain));
  }

  private void addTls(Channel ch) {
    SslHandler ssl = tls.newHandler(ch.alloc());
    ssl.setHandshakeTimeoutMillis(limits.handshakeTimeoutMillis());
    ch.pipeline().addLast(TLS, ssl);
  }
}
