package io.presenter.chat.session;

import io.netty.channel.Channel;
import io.presenter.chat.couple.Device;
import io.presenter.chat.couple.SessionEnd;
import io.presenter.chat.store.StoredMessage;
import io.presenter.protocol.client.ClientFrames;
import io.presenter.protocol.client.thrift.ClientFrame;

/**
 * One authenticated device connection, whatever its transport; turns couple events into client
 * frames. Writes are thread-safe (they may come from the store's committer thread) and bounded: a
 * session whose client stopped reading is ended as {@link SessionEnd#SLOW_READER} once its unsent
 * output passes a limit, and the client catches up by syncing after it reconnects.
 */
final class ChatSession implements Device {
  private final Channel channel;
  private final SessionTransport transport;
  private final String userId;
  private final String deviceId;
  private final long maxPendingOutputBytes;
  private final Runnable slowReaderEnded;

  /** @param slowReaderEnded told when the session is ended for not reading, so it can be counted */
  ChatSession(
      Channel channel, SessionTransport transport, String userId, String deviceId, long maxPendingOutputBytes,
      Runnable slowReaderEnded) {
    this.channel = channel;
    this.transport = transport;
    this.userId = userId;
    this.deviceId = deviceId;
    this.maxPendingOutputBytes = maxPendingOutputBytes;
    this.slowReaderEnded = slowReaderEnded;
  }

  @Override
  public String userId() {
    return userId;
  }

  String deviceId() {
    return deviceId;
  }

  @Override
  public void message(StoredMessage m) {
    write(ClientFrames.message(m.seq(), m.senderId(), m.senderDeviceId(), m.timestampMillis(), m.kind(), m.body(), m.clientMessageId()));
  }

  @Override
  public void presence(String userId, boolean online) {
    write(ClientFrames.presence(userId, online));
  }

  @Override
  public void typing(String userId, boolean typing) {
    write(ClientFrames.typing(typing, userId));
  }

  @Override
  public void readUpTo(String userId, long seq) {
    write(ClientFrames.readUpTo(seq, userId));
  }

  @Override
  public void end(SessionEnd reason, long ringVersion, String message) {
    transport.end(reason, ringVersion, message);
  }

  /** Queues a frame for the client, or ends the session if the client has stopped reading. */
  void write(ClientFrame frame) {
    if (!channel.isActive()) {
      return;
    }
    if (channel.bytesBeforeWritable() > maxPendingOutputBytes) {
      slowReaderEnded.run();
      end(SessionEnd.SLOW_READER, 0, "client not reading");
      return;
    }
    channel.writeAndFlush(frame, channel.voidPromise());
  }

  @Override
  public String toString() {
    return "ChatSession(" + userId + "/" + deviceId + " from " + transport.clientAddress() + ")";
  }
}
