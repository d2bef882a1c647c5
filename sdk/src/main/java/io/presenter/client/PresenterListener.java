package io.presenter.client;

import io.presenter.protocol.client.thrift.AuthOk;
import io.presenter.protocol.client.thrift.Message;
import io.presenter.protocol.client.thrift.ServerError;
import io.presenter.protocol.client.thrift.SessionReestablished;
import java.time.Duration;

/**
 * Events of a {@link PresenterClient}. Every method has an empty default, so implement only what
 * you need.
 *
 * <p><b>Threading:</b> all calls come from the client's single event loop thread, one at a time and
 * in the order the frames arrived. Do not block in them (hand work to another thread); an exception
 * thrown by a listener is logged nowhere and otherwise ignored.
 */
public interface PresenterListener {
  /**
   * A connection's TLS handshake finished, {@code elapsed} after the TCP connection was up;
   * {@code resumed} if it resumed an earlier TLS session (always false with the JDK provider).
   * Comes before the session's {@link #connected}.
   */
  default void handshake(Duration elapsed, boolean resumed) {}

  /** A new session was authenticated ({@code AuthOk}), after {@code connect()} or a reconnect. */
  default void connected(AuthOk info) {}

  /** The gateway moved the session to another chat server; unacked sends were resent. */
  default void reestablished(SessionReestablished info) {}

  /**
   * A message, delivered exactly once per client instance and in seq order with no gaps: a
   * message at or below {@link PresenterClient#lastSeenSeq()} is never delivered again. The
   * client's own sends are not delivered here (see {@link #ack}), except when they come from
   * another device of the same user or from history sync; a synced copy of a send this client is
   * still waiting to see acked completes that send instead (as its ack).
   */
  default void message(Message message) {}

  /** A message sent by this client was committed with {@code seq}. */
  default void ack(String clientMessageId, long seq) {}

  /** The partner ({@code userId}) started or stopped typing. */
  default void typing(String userId, boolean typing) {}

  /** {@code userId} has read up to {@code seq}. */
  default void readUpTo(String userId, long seq) {}

  /** The partner's first device connected or last device disconnected. */
  default void presence(String userId, boolean online) {}

  /** Any {@code ServerError}, fatal or not, before the client acts on it. */
  default void error(ServerError error) {}

  /** The connection ended (or a connect attempt failed); {@code willRetry} is false after close(). */
  default void disconnected(String reason, boolean willRetry) {}
}
