package io.presenter.chat.couple;

import io.presenter.chat.store.StoredMessage;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A device that records what its couple told it, as readable strings and messages. */
final class RecordingDevice implements Device {
  private final String userId;
  final List<StoredMessage> messages = new CopyOnWriteArrayList<>();
  final List<String> events = new CopyOnWriteArrayList<>();

  RecordingDevice(String userId) {
    this.userId = userId;
  }

  @Override
  public String userId() {
    return userId;
  }

  @Override
  public void message(StoredMessage message) {
    messages.add(message);
  }

  @Override
  public void presence(String userId, boolean online) {
    events.add("presence " + userId + " " + online);
  }

  @Override
  public void typing(String userId, boolean typing) {
    events.add("typing " + userId + " " + typing);
  }

  @Override
  public void readUpTo(String userId, long seq) {
    events.add("read " + userId + " " + seq);
  }

  @Override
  public void end(SessionEnd reason, long ringVersion, String message) {
    events.add("end " + reason + " " + ringVersion);
  }
}
