package io.presenter.chat.session;

import io.netty.channel.Channel;
import io.presenter.chat.couple.SessionEnd;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A transport whose facts a test sets and which records how the session ended, then closes the
 * channel. The close runs as a task on the channel's event loop, as the inactive event of a real
 * stream or socket would (EmbeddedChannel.close() would run it at once, inside the caller).
 */
final class RecordingTransport implements SessionTransport {
  final List<String> ends = new CopyOnWriteArrayList<>();
  String routedCoupleId;
  boolean reopen;
  boolean reroutes = true;
  Channel channel;

  @Override
  public String routedCoupleId() {
    return routedCoupleId;
  }

  @Override
  public boolean isReopen() {
    return reopen;
  }

  @Override
  public boolean reroutes() {
    return reroutes;
  }

  @Override
  public String clientAddress() {
    return "test-client";
  }

  @Override
  public void end(SessionEnd reason, long ringVersion, String message) {
    ends.add("end " + reason + " ring " + ringVersion);
    channel.eventLoop().execute(channel::close);
  }

  @Override
  public void closeAfterError(SessionEnd reason, String message) {
    ends.add("closeAfterError " + reason);
    channel.eventLoop().execute(channel::close);
  }
}
