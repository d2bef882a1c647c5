package io.presenter.chat.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.presenter.chat.couple.SessionEnd;
import io.presenter.protocol.client.thrift.ClientFrame;
import io.presenter.protocol.client.thrift.GoAwayReason;
import io.presenter.protocol.mux.thrift.CloseReason;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How a domain session end reaches the wire: the mux Close reason, and what a direct client is told. */
class WireReasonsTest {
  @Test
  void everySessionEndHasItsCloseReason() {
    Map<SessionEnd, CloseReason> wire = new EnumMap<>(SessionEnd.class);
    for (SessionEnd end : SessionEnd.values()) {
      wire.put(end, WireReasons.closeReason(end));
    }
    assertThat(wire)
        .containsExactlyInAnyOrderEntriesOf(Map.of(
            SessionEnd.MOVED, CloseReason.MOVED,
            SessionEnd.DRAINING, CloseReason.DRAINING,
            SessionEnd.SLOW_READER, CloseReason.OVERLOADED,
            SessionEnd.AUTH_FAILED, CloseReason.AUTH_FAILED,
            SessionEnd.PROTOCOL_ERROR, CloseReason.PROTOCOL_ERROR,
            SessionEnd.INTERNAL_ERROR, CloseReason.INTERNAL_ERROR));
  }

  @Test
  void aDirectClientIsToldWhyWithAGoAwayThenClosed() {
    Map<SessionEnd, GoAwayReason> expected =
        Map.of(SessionEnd.MOVED, GoAwayReason.MOVED, SessionEnd.DRAINING, GoAwayReason.DRAINING,
            SessionEnd.SLOW_READER, GoAwayReason.OVERLOADED);
    expected.forEach((end, reason) -> {
      EmbeddedChannel channel = new EmbeddedChannel();
      new DirectTransport(channel).end(end, 7, "bye");
      ClientFrame goAway = channel.readOutbound();
      assertThat(goAway.getGoAway().getReason()).as(end.name()).isEqualTo(reason);
      assertThat(goAway.getGoAway().getRetryAfterMillis()).isEqualTo(DirectTransport.GO_AWAY_RETRY_MILLIS);
      assertThat(channel.isOpen()).isFalse();
      assertThat(channel.finishAndReleaseAll()).isFalse();
    });
  }

  @Test
  void afterAFatalErrorADirectClientIsOnlyClosed() {
    EmbeddedChannel channel = new EmbeddedChannel();
    new DirectTransport(channel).closeAfterError(SessionEnd.AUTH_FAILED, "bad token");
    assertThat(channel.isOpen()).isFalse();
    assertThat(channel.<Object>readOutbound()).isNull();
  }
}
