package io.presenter.loadtest.harness;

import static org.assertj.core.api.Assertions.assertThat;

import io.presenter.protocol.client.thrift.Message;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** The correctness bookkeeping alone: loss, duplicates and order violations are seen. */
class SimCoupleTest {
  private static Message message(long seq, int index) {
    byte[] body = new byte[32];
    ByteBuffer.wrap(body).putLong(System.nanoTime()).putLong(index);
    return new Message().setSeq(seq).setSenderId("a").setBody(body);
  }

  @Test
  void countsLostDuplicatedAndOutOfOrderDeliveries() {
    Metrics m = new Metrics();
    SimCouple c = new SimCouple(m, new SizeDistribution(100, 100), 1);
    long now = System.nanoTime();
    for (int i = 0; i < 4; i++) {
      c.acked(i, 10 + i, now);
    }
    c.received(message(10, 0));
    c.received(message(12, 2));
    c.received(message(11, 1)); // late: below the last seq delivered
    c.received(message(12, 2)); // again
    assertThat(c.lost()).isEqualTo(1); // index 3 (seq 13) never arrived
    assertThat(c.settled()).isFalse();
    assertThat(m.delivered.sum()).isEqualTo(3);
    assertThat(m.duplicated.sum()).isEqualTo(1);
    assertThat(m.outOfOrder.sum()).isEqualTo(1);
    assertThat(m.seqMismatch.sum()).isZero();
    c.received(message(14, 3)); // the right message with another seq than its ack
    assertThat(m.seqMismatch.sum()).isEqualTo(1);
    assertThat(c.lost()).isZero();
  }

  @Test
  void aCleanSequenceSettles() {
    Metrics m = new Metrics();
    SimCouple c = new SimCouple(m, new SizeDistribution(100, 100), 1);
    for (int i = 0; i < 3; i++) {
      c.acked(i, i + 1, System.nanoTime());
      c.received(message(i + 1, i));
    }
    assertThat(c.lost()).isZero();
    assertThat(c.settled()).isTrue();
    assertThat(m.duplicated.sum() + m.outOfOrder.sum() + m.seqMismatch.sum()).isZero();
  }
}
