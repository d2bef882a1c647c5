package io.presenter.gateway.limits;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.SslHandler;
import io.presenter.protocol.tls.TlsContexts;

/** Whether a finished handshake resumed an earlier session (ticket or cache). */
public final class ResumptionProbe {
  private ResumptionProbe() {}

  public static boolean resumed(ChannelHandlerContext ctx) {
    SslHandler ssl = ctx.pipeline().get(SslHandler.class);
    return ssl != null && resumed(ssl);
  }

  public static boolean resumed(SslHandler ssl) {
    return TlsContexts.resumed(ssl);
  }
}
