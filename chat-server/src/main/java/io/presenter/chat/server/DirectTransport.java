package io.presenter.chat.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.presenter.chat.couple.SessionEnd;
import io.presenter.chat.session.SessionTransport;
import io.presenter.protocol.client.ClientFrames;

/**
 * A session on the direct TLS listener: no gateway re-routes it, so a server-decided end is
 * announced with a GoAway (the client reconnects after retryAfterMillis), then the connection
 * closes.
 */
final class DirectTransport implements SessionTransport {
  static final int GO_AWAY_RETRY_MILLIS = 1000;

  private final Channel channel;

  DirectTransport(Channel channel) {
    this.channel = channel;
  }

  @Override
  public String routedCoupleId() {
    return null;
  }

  @Override
  public boolean isReopen() {
    return false;
  }

  @Override
  public boolean reroutes() {
    return false;
  }

  @Override
  public String clientAddress() {
    return String.valueOf(channel.remoteAddress());
  }

  @Override
  public void end(SessionEnd reason, long ringVersion, String message) {
    channel.writeAndFlush(ClientFrames.goAway(WireReasons.goAway(reason), GO_AWAY_RETRY_MILLIS))
        .addListener(ChannelFutureListener.CLOSE);
  }

  @Override
  public void closeAfterError(SessionEnd reason, String message) {
    channel.close();
  }
}
