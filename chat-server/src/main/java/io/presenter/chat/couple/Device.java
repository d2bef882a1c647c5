package io.presenter.chat.couple;

import io.presenter.chat.store.StoredMessage;

/**
 * One connected device of a couple's user, as the couple sees it: what it is told and how it is
 * ended. Implementations must accept calls from any thread (sessions on other event loops, the
 * store's committer thread, timers) and must not block; the couple calls them outside its lock.
 */
public interface Device {
  String userId();

  /** A committed message of the couple (sent by the partner or by another device of this user). */
  void message(StoredMessage message);

  /** The partner's first device came online, or its last one went offline. */
  void presence(String userId, boolean online);

  void typing(String userId, boolean typing);

  /** The partner read up to {@code seq}. */
  void readUpTo(String userId, long seq);

  /**
   * Ends the device's session.
   *
   * @param ringVersion the ring version the decision was made under (for MOVED and DRAINING), else 0
   */
  void end(SessionEnd reason, long ringVersion, String message);
}
