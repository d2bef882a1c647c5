package io.presenter.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.presenter.protocol.client.ClientFrames;
import io.presenter.protocol.client.thrift.Message;
import java.util.List;
import org.junit.jupiter.api.Test;

class SeqTrackerTest {
  private static Message m(long seq) {
    return ClientFrames.newMessage(seq, "bob", null, 0, 1, new byte[] {(byte) seq}, null);
  }

  private static List<Long> seqs(List<Message> ms) {
    return ms.stream().map(Message::getSeq).toList();
  }

  @Test
  void deliversInOrderOnceAndHoldsBackAfterAGap() {
    SeqTracker t = new SeqTracker(2, 100);
    assertThat(t.received(m(1))).isEmpty();
    assertThat(seqs(t.received(m(3)))).containsExactly(3L);
    assertThat(t.received(m(3))).isEmpty();
    assertThat(t.received(m(5))).isEmpty();
    assertThat(t.hasGap()).isTrue();
    assertThat(t.lastSeenSeq()).isEqualTo(3);
    assertThat(seqs(t.received(m(4)))).containsExactly(4L, 5L);
    assertThat(t.hasGap()).isFalse();
    assertThat(t.lastSeenSeq()).isEqualTo(5);
  }

  @Test
  void ownAcksCountForContiguityButAreNotDelivered() {
    SeqTracker t = new SeqTracker(0, 100);
    assertThat(t.received(m(2))).isEmpty();
    assertThat(t.acked(3)).isEmpty();
    assertThat(seqs(t.received(m(1)))).containsExactly(1L, 2L);
    assertThat(t.lastSeenSeq()).isEqualTo(3);
    assertThat(t.received(m(3))).isEmpty();
  }

  @Test
  void holdsBackAtMostItsLimitKeepingTheLowest() {
    SeqTracker t = new SeqTracker(0, 2);
    t.received(m(5));
    t.received(m(3));
    t.received(m(4));
    assertThat(seqs(t.received(m(1)))).containsExactly(1L);
    assertThat(seqs(t.received(m(2)))).containsExactly(2L, 3L, 4L);
    assertThat(t.hasGap()).isFalse();
  }
}
