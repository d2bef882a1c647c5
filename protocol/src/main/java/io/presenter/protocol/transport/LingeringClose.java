package io.presenter.protocol.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Closes a connection after a last frame (a GoAway, a fatal error) without losing that frame to
 * a TCP reset. Closing a socket that still has unread input makes the kernel answer with RST,
 * and a peer that receives the RST may drop the frame it had not read yet: a client that was
 * sending when the server said GoAway would see "connection reset" instead. So after the last
 * write the connection keeps reading (the caller's handlers must discard what arrives) until the
 * peer closes, which a client does on GoAway or a fatal error, or until the linger time passes.
 */
public final class LingeringClose {
  /** How long a peer gets to close first; long enough for a round trip on a mobile network. */
  public static final long DEFAULT_LINGER_MILLIS = 2_000;

  private LingeringClose() {}

  /**
   * Closes {@code lastWrite}'s channel once the peer closed, or {@code lingerMillis} from now at
   * the latest (also when the last write cannot complete because the peer stopped reading).
   */
  public static void after(ChannelFuture lastWrite, long lingerMillis) {
    Channel channel = lastWrite.channel();
    ScheduledFuture<?> deadline = channel.eventLoop().schedule(() -> {
      channel.close();
    }, lingerMillis, TimeUnit.MILLISECONDS);
    channel.closeFuture().addListener(closed -> deadline.cancel(false));
    lastWrite.addListener(written -> {
      if (written.isSuccess()) {
        channel.config().setAutoRead(true); // read (and discard) until the peer's FIN
      } else {
        channel.close();
      }
    });
  }
}
