package io.presenter.chat.server;

import io.presenter.chat.couple.SessionEnd;
import io.presenter.protocol.client.thrift.GoAwayReason;
import io.presenter.protocol.mux.thrift.CloseReason;

/** The one place where a domain {@link SessionEnd} becomes a wire reason (docs/PROTOCOL.md 3.11 GoAway, 4.8 Close). */
final class WireReasons {
  private WireReasons() {}

  /** What a gateway sees in the stream's Close: MOVED and DRAINING make it re-route the client. */
  static CloseReason closeReason(SessionEnd end) {
    return switch (end) {
      case MOVED -> CloseReason.MOVED;
      case DRAINING -> CloseReason.DRAINING;
      case SLOW_READER -> CloseReason.OVERLOADED;
      case AUTH_FAILED -> CloseReason.AUTH_FAILED;
      case PROTOCOL_ERROR -> CloseReason.PROTOCOL_ERROR;
      case INTERNAL_ERROR -> CloseReason.INTERNAL_ERROR;
    };
  }

  /** What a direct client is told in the GoAway before a server-decided end. */
  static GoAwayReason goAway(SessionEnd end) {
    return switch (end) {
      case MOVED -> GoAwayReason.MOVED;
      case SLOW_READER -> GoAwayReason.OVERLOADED;
      case DRAINING, AUTH_FAILED, PROTOCOL_ERROR, INTERNAL_ERROR -> GoAwayReason.DRAINING;
    };
  }
}
