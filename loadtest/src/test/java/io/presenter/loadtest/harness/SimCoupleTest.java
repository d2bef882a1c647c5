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
    SimCouple c = new SimCouple(m, new SizeDistribution(100, 100), 1, 1, 0, 0);
    long now = System.nanoTime();
    for (int i = 0; i < 4; i++) {
      c.acked(i, 10 + i, now);
    }
    c.received(c.b[0], message(10, 0));
    c.received(c.b[0], message(12, 2));
    c.received(c.b[0], message(11, 1)); // late: below the last seq delivered
    c.received(c.b[0], message(12, 2)); // again
    assertThat(c.lost()).isEqualTo(1); // index 3 (seq 13) never arrived
    assertThat(c.settled()).isFalse();
    assertThat(m.delivered.sum()).isEqualTo(3);
    assertThat(m.duplicated.sum()).isEqualTo(1);
    assertThat(m.outOfOrder.sum()).isEqualTo(1);
    assertThat(m.seqMismatch.sum()).isZero();
    c.received(c.b[0], message(14, 3)); // the right message with another seq than its ack
    assertThat(m.seqMismatch.sum()).isEqualTo(1);
    assertThat(c.lost()).isZero();
  }

  @Test
  void aCleanSequenceSettles() {
    Metrics m = new Metrics();
    SimCouple c = new SimCouple(m, new SizeDistribution(100, 100), 1, 1, 0, 0);
    for (int i = 0; i < 3; i++) {
      c.acked(i, i + 1, System.nanoTime());
      c.received(c.b[0], message(i + 1, i));
    }
    assertThat(c.lost()).isZero();
    assertThat(c.settled()).isTrue();
    assertThat(m.duplicated.sum() + m.outOfOrder.sum() + m.seqMismatch.sum()).isZero();
  }

  @Test
  void withTwoDevicesEachMessageMustReachThePartnersDevicesAndTheSendersOther() {
    Metrics m = new Metrics();
    SimCouple c = new SimCouple(m, new SizeDistribution(100, 100), 1, 2, 0, 0);
    assertThat(c.devices()).extracting(SimCouple.Device::deviceId).containsExactly("b-1", "b-2", "a-1", "a-2");
    c.acked(0, 1, System.nanoTime());
    c.received(c.b[0], message(1, 0));
    c.received(c.b[1], message(1, 0));
    c.a[0].message(message(1, 0)); // the sender's own message again (history sync): not a delivery
    assertThat(c.lost()).isEqualTo(1);
    assertThat(c.lostDeliveries()).isEqualTo(1); // a-2 still misses it
    c.received(c.a[1], message(1, 0));
    assertThat(c.settled()).isTrue();
    assertThat(m.delivered.sum()).isEqualTo(3);
    c.received(c.b[1], message(1, 0)); // after the slot was settled and dropped
    assertThat(m.duplicated.sum()).isEqualTo(1);
  }

  @Test
  void theWindowStaysSmallAndStillSeesEverything() {
    Metrics m = new Metrics();
    SimCouple c = new SimCouple(m, new SizeDistribution(100, 100), 1, 1, 0, 0);
    for (int i = 0; i < 10_000; i++) {
      c.received(c.b[0], message(i + 1, i)); // delivery before the ack, as often happens
      c.acked(i, i + 1, System.nanoTime());
    }
    c.acked(10_000, 10_001, System.nanoTime());
    c.acked(10_001, 10_002, System.nanoTime());
    c.received(c.b[0], message(10_002, 10_001));
    assertThat(c.lost()).isEqualTo(1);
    c.received(c.b[0], message(10_001, 10_000)); // late, below the last seq delivered
    assertThat(c.settled()).isTrue();
    assertThat(m.outOfOrder.sum()).isEqualTo(1);
    assertThat(m.duplicated.sum() + m.seqMismatch.sum()).isZero();
  }
}
