package io.presenter.chat.session;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.presenter.protocol.client.ClientFrames;
import io.presenter.protocol.client.thrift.ClientFrame;
import io.presenter.protocol.client.thrift.GoAwayReason;
import io.presenter.protocol.mux.MuxStreamChannel;
import io.presenter.protocol.mux.thrift.CloseReason;

/**
 * One authenticated device connection: a mux stream from a gateway or a direct TLS connection.
 * Writes are thread-safe (they may come from the store's committer thread) and bounded: a
 * session whose client stopped reading is closed once its unsent output passes a limit, and the
 * client catches up by syncing after it reconnects.
 */
public final class ChatSession {
  private final Channel channel;
  private final String userId;
  private final String deviceId;
  private final long maxPendingOutputBytes;
  private final SlowReaderListener slowReaderListener;

  /** Told when a session is closed for not reading, so it can be counted. */
  public interface SlowReaderListener {
    void closedSlowReader(ChatSession session);
  }

  ChatSession(Channel channel, String userId, String deviceId, long maxPendingOutputBytes, SlowReaderListener listener) {
    this.channel = channel;
    this.userId = userId;
    this.deviceId = deviceId;
    this.maxPendingOutputBytes = maxPendingOutputBytes;
    this.slowReaderListener = listener;
  }

  public String userId() {
    return userId;
  }

  public String deviceId() {
    return deviceId;
  }

  public Channel channel() {
    return channel;
  }

  public boolean isOpen() {
    return channel.isActive();
  }

  /** Queues a frame for the client, or closes the session if the client has stopped reading. */
  public void write(ClientFrame frame) {
    if (!channel.isActive()) {
      return;
    }
    if (channel.bytesBeforeWritable() > maxPendingOutputBytes) {
      slowReaderListener.closedSlowReader(this);
      close(CloseReason.OVERLOADED, 0, "client not reading");
      return;
    }
    channel.writeAndFlush(frame, channel.voidPromise());
  }

  /**
   * Ends the session. On a mux stream the gateway sees {@code reason} (MOVED and DRAINING make
   * it re-route the client); a direct client gets a GoAway first.
   */
  public void close(CloseReason reason, long ringVersion, String message) {
    if (channel instanceof MuxStreamChannel stream) {
      stream.close(reason, ringVersion, message);
      return;
    }
    GoAwayReason goAway =
        switch (reason) {
          case MOVED -> GoAwayReason.MOVED;
          case OVERLOADED -> GoAwayReason.OVERLOADED;
          default -> GoAwayReason.DRAINING;
        };
    channel.writeAndFlush(ClientFrames.goAway(goAway, 1000)).addListener(ChannelFutureListener.CLOSE);
  }

  @Override
  public String toString() {
    return "ChatSession(" + userId + "/" + deviceId + " on " + channel + ")";
  }
}
