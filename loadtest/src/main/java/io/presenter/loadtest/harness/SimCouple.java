package io.presenter.loadtest.harness;

import io.netty.channel.EventLoop;
import io.presenter.client.PresenterClient;
import io.presenter.client.PresenterListener;
import io.presenter.protocol.client.thrift.AuthOk;
import io.presenter.protocol.client.thrift.Message;
import io.presenter.protocol.client.thrift.ServerError;
import io.presenter.protocol.client.thrift.clientConstants;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * One simulated couple: user a sends at a fixed rate (open loop: message k is due at start + k /
 * rate whatever happened before; its body carries that intended time and k), user b receives and
 * checks every message arrives once, in seq order, with the seq a's ack reported.
 */
final class SimCouple {
  private final Metrics metrics;
  private final SizeDistribution size;
  private final long periodNanos;
  final Device a;
  final Device b;
  /** Per message index: the seq of a's ack and of b's delivery (0 = none yet). Guarded by this. */
  private long[] ackedSeq = new long[16];
  private long[] deliveredSeq = new long[16];
  private long lastDeliveredSeq;
  private int nextIndex;
  private long firstDueNanos;
  private volatile long stopNanos = Long.MAX_VALUE;
  private volatile boolean sending;
  private int unresolved; // guarded by this

  SimCouple(Metrics metrics, SizeDistribution size, double rate) {
    this.metrics = metrics;
    this.size = size;
    this.periodNanos = rate > 0 ? (long) (1e9 / rate) : 0;
    this.a = new Device();
    this.b = new Device() {
      @Override
      public void message(Message m) {
        received(m);
      }
    };
  }

  /** A device's listener: connection events and errors. */
  class Device implements PresenterListener {
    PresenterClient client;
    /** Index of the gateway in the options. */
    int gateway;
    volatile boolean up;
    volatile boolean closing;
    private int sessions;
    long connectStartNanos;

    void connect(PresenterClient c) {
      client = c;
      connectStartNanos = System.nanoTime();
      c.connect();
    }

    @Override
    public void connected(AuthOk info) {
      if (sessions++ == 0) {
        metrics.connect.recordNanos(System.nanoTime() - connectStartNanos);
        metrics.gatewayAuthenticated(gateway);
      } else {
        metrics.reconnects.increment();
      }
      up = true;
      metrics.connected();
    }

    @Override
    public void error(ServerError error) {
      metrics.error("server:" + error.getCode());
    }

    @Override
    public void disconnected(String reason, boolean willRetry) {
      if (up) {
        up = false;
        metrics.disconnected();
        if (!closing) {
          metrics.error("disconnect");
        }
      } else if (!closing) {
        metrics.error("connect-failed");
      }
    }
  }

  boolean bothUp() {
    return a.up && b.up;
  }

  /** No message is due at or after {@code nanos} (System.nanoTime). */
  void stopAt(long nanos) {
    stopNanos = nanos;
  }

  /** Starts a's open-loop sends, scheduled on {@code loop}, until the stop time. */
  void startSending(EventLoop loop) {
    if (periodNanos == 0 || sending) {
      return;
    }
    sending = true;
    firstDueNanos = System.nanoTime() + ThreadLocalRandom.current().nextLong(periodNanos);
    loop.schedule(() -> tick(loop), Math.max(0, firstDueNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
  }

  /** Sends every message due by now (catching up after a stall), then waits for the next one. */
  private void tick(EventLoop loop) {
    long now = System.nanoTime();
    while (true) {
      long due = firstDueNanos + nextIndex * periodNanos;
      if (due >= stopNanos) {
        return;
      }
      if (due > now) {
        loop.schedule(() -> tick(loop), due - now, TimeUnit.NANOSECONDS);
        return;
      }
      send(nextIndex++, due);
    }
  }

  private void send(int index, long intendedNanos) {
    byte[] body = new byte[size.next()];
    ByteBuffer.wrap(body).putLong(intendedNanos).putLong(index);
    metrics.sent.increment();
    synchronized (this) {
      unresolved++;
    }
    CompletableFuture<Long> f = a.client.send(clientConstants.KIND_TEXT, body);
    f.whenComplete((seq, failure) -> {
      synchronized (this) {
        unresolved--;
      }
      if (failure != null) {
        metrics.sendFailed.increment();
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        metrics.error("send:" + cause.getClass().getSimpleName());
        return;
      }
      acked(index, seq, intendedNanos);
    });
  }

  /** a's message {@code index} was committed with {@code seq}. */
  void acked(int index, long seq, long intendedNanos) {
    metrics.ack.recordNanos(System.nanoTime() - intendedNanos);
    metrics.acked.increment();
    synchronized (this) {
      ackedSeq = grow(ackedSeq, index);
      ackedSeq[index] = seq;
      if (deliveredSeq.length > index && deliveredSeq[index] != 0 && deliveredSeq[index] != seq) {
        metrics.seqMismatch.increment();
      }
    }
  }

  /** b received {@code m}. */
  void received(Message m) {
    long now = System.nanoTime();
    byte[] body = m.getBody();
    if (body == null || body.length < SizeDistribution.HEADER_BYTES) {
      metrics.error("foreign-message");
      return;
    }
    ByteBuffer buf = ByteBuffer.wrap(body);
    long intended = buf.getLong();
    long index = buf.getLong();
    if (index < 0 || index >= Integer.MAX_VALUE - 8) {
      metrics.error("foreign-message");
      return;
    }
    int i = (int) index;
    synchronized (this) {
      deliveredSeq = grow(deliveredSeq, i);
      if (deliveredSeq[i] != 0) {
        metrics.duplicated.increment();
        return;
      }
      if (m.getSeq() <= lastDeliveredSeq) {
        metrics.outOfOrder.increment();
      }
      lastDeliveredSeq = Math.max(lastDeliveredSeq, m.getSeq());
      deliveredSeq[i] = m.getSeq();
      if (ackedSeq.length > i && ackedSeq[i] != 0 && ackedSeq[i] != m.getSeq()) {
        metrics.seqMismatch.increment();
      }
    }
    metrics.delivered.increment();
    metrics.delivery.recordNanos(now - intended);
  }

  private static long[] grow(long[] a, int index) {
    return index < a.length ? a : Arrays.copyOf(a, Math.max(index + 1, a.length * 2));
  }

  /** Acked messages b has not received (yet). */
  synchronized int lost() {
    int n = 0;
    for (int i = 0; i < ackedSeq.length; i++) {
      if (ackedSeq[i] != 0 && (i >= deliveredSeq.length || deliveredSeq[i] == 0)) {
        n++;
      }
    }
    return n;
  }

  /** True when every send is acked or failed and every ack was delivered. */
  synchronized boolean settled() {
    return unresolved == 0 && lost() == 0;
  }

  synchronized int unresolved() {
    return unresolved;
  }
}
