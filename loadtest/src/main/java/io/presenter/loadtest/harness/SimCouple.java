package io.presenter.loadtest.harness;

import io.netty.channel.EventLoop;
import io.presenter.client.PresenterClient;
import io.presenter.client.PresenterListener;
import io.presenter.protocol.client.thrift.AuthOk;
import io.presenter.protocol.client.thrift.Message;
import io.presenter.protocol.client.thrift.ServerError;
import io.presenter.protocol.client.thrift.clientConstants;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * One simulated couple: users a and b with D devices each. a's first device sends at a fixed rate
 * (open loop: message k is due at start + k / rate whatever happened before; its body carries
 * that intended time and k), with typing bursts (typing on, 1-3 sends, typing off) now and then;
 * b's first device sends a read receipt every N messages it receives.
 *
 * <p>The server hands a committed message to every session of the couple but the sender's, so
 * every acked message must reach each of b's devices and a's other devices ("receivers") exactly
 * once, in seq order, with the seq of its ack. a's first device can also see its own messages
 * again through history sync after a reconnect; that is not a delivery. The bookkeeping is a
 * window of message slots (the seq, an acked bit and one bit per receiver); fully settled slots
 * at the front are dropped, so a long run does not grow it.
 */
final class SimCouple {
  private static final long ACKED = 1L << 63;

  private final Metrics metrics;
  private final SizeDistribution size;
  private final long periodNanos;
  private final double typingChance;
  private final int readEvery;
  final Device[] a;
  final Device[] b;
  private final List<Device> all = new ArrayList<>();
  private final long allReceivers;
  private final long[] lastSeq;
  // The window, guarded by this: indices base.. are in slots start..end-1.
  private long base;
  private int start;
  private int end;
  private long[] seqs = new long[16];
  private long[] marks = new long[16];
  private int unresolved;
  // Sending, confined to the sending loop.
  private int nextIndex;
  private long firstDueNanos;
  private int burstLeft;
  private volatile long stopNanos = Long.MAX_VALUE;
  private volatile boolean sending;

  /**
   * @param rate messages per second (0: none)
   * @param typingPerMinute typing bursts per minute (each precedes 1-3 sends)
   * @param readEvery a read receipt every this many messages received by b's first device (0: none)
   */
  SimCouple(Metrics metrics, SizeDistribution size, double rate, int devicesPerUser, double typingPerMinute, int readEvery) {
    this.metrics = metrics;
    this.size = size;
    this.periodNanos = rate > 0 ? (long) (1e9 / rate) : 0;
    this.typingChance = rate > 0 ? Math.min(1, typingPerMinute / 60 / rate) : 0;
    this.readEvery = readEvery;
    this.a = new Device[devicesPerUser];
    this.b = new Device[devicesPerUser];
    int receivers = 0;
    for (int d = 0; d < devicesPerUser; d++) {
      b[d] = new Device("b", d, receivers++);
      all.add(b[d]);
    }
    for (int d = 0; d < devicesPerUser; d++) {
      a[d] = new Device("a", d, d == 0 ? -1 : receivers++);
      all.add(a[d]);
    }
    this.allReceivers = (1L << receivers) - 1;
    this.lastSeq = new long[receivers];
  }

  /** Every device, in connection order: b's, then a's (the sender last). */
  List<Device> devices() {
    return all;
  }

  /** A device's listener: connection events, errors, and what it receives. */
  final class Device implements PresenterListener {
    final String user;
    final int number;
    /** Bit of this device in the delivery marks; -1 for the sending device. */
    final int receiver;
    PresenterClient client;
    /** Index of the gateway in the options. */
    int gateway;
    volatile boolean up;
    volatile boolean closing;
    private volatile boolean dropped;
    private int sessions;
    private long connectStartNanos;
    private long downNanos;
    private int received;

    Device(String user, int number, int receiver) {
      this.user = user;
      this.number = number;
      this.receiver = receiver;
    }

    String deviceId() {
      return user + "-" + (number + 1);
    }

    void connect(PresenterClient c) {
      client = c;
      connectStartNanos = System.nanoTime();
      c.connect();
    }

    /** Drops the connection abruptly (reconnect storm); the client reconnects by itself. */
    boolean drop() {
      PresenterClient c = client;
      if (!up || c == null || closing) {
        return false;
      }
      dropped = true;
      metrics.dropped.increment();
      c.dropConnection();
      return true;
    }

    @Override
    public void handshake(Duration elapsed, boolean resumed) {
      (resumed ? metrics.handshakeResumed : metrics.handshakeFull).recordNanos(elapsed.toNanos());
      (resumed ? metrics.handshakesResumed : metrics.handshakesFull).increment();
    }

    @Override
    public void connected(AuthOk info) {
      long now = System.nanoTime();
      if (sessions++ == 0) {
        metrics.connect.recordNanos(now - connectStartNanos);
        metrics.gatewayAuthenticated(gateway >= 0 ? gateway : metrics.gatewayIndex(client.gateway()));
      } else {
        metrics.reconnects.increment();
        metrics.reconnect.recordNanos(now - downNanos);
      }
      dropped = false;
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
        downNanos = System.nanoTime();
        metrics.disconnected();
        if (reason.startsWith("GoAway")) {
          metrics.goAways.increment(); // the gateway asked the client to move: it reconnects
        } else if (!closing && !dropped) {
          metrics.error("disconnect: " + kind(reason));
        }
      } else if (!closing) {
        metrics.error("connect-failed: " + kind(reason));
      }
    }

    /** The SDK's reason without its details: "connect failed", "TLS handshake failed", "fatal AUTH_INVALID", ... */
    private static String kind(String reason) {
      int colon = reason.indexOf(':');
      String k = colon < 0 ? reason : reason.substring(0, colon);
      return k.length() > 40 ? k.substring(0, 40) : k;
    }

    @Override
    public void message(Message m) {
      if (receiver >= 0) {
        received(this, m);
      }
    }

    @Override
    public void typing(String userId, boolean typing) {
      metrics.typingReceived.increment();
    }

    @Override
    public void readUpTo(String userId, long seq) {
      metrics.receiptsReceived.increment();
    }
  }

  private Device sender() {
    return a[0];
  }

  boolean allUp() {
    for (Device d : all) {
      if (!d.up) {
        return false;
      }
    }
    return true;
  }

  /** No message is due at or after {@code nanos} (System.nanoTime). */
  void stopAt(long nanos) {
    stopNanos = nanos;
  }

  /** Starts the open-loop sends, scheduled on {@code loop}, until the stop time. */
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
        if (burstLeft > 0) {
          burstLeft = 0;
          typing(false);
        }
        return;
      }
      if (due > now) {
        loop.schedule(() -> tick(loop), due - now, TimeUnit.NANOSECONDS);
        return;
      }
      send(nextIndex++, due);
      typingAfterSend();
    }
  }

  /** Ends a burst after its last send, or starts one (typing on now, before the next 1-3 sends). */
  private void typingAfterSend() {
    if (burstLeft > 0) {
      if (--burstLeft == 0) {
        typing(false);
      }
    } else if (typingChance > 0 && ThreadLocalRandom.current().nextDouble() < typingChance) {
      typing(true);
      burstLeft = 1 + ThreadLocalRandom.current().nextInt(3);
    }
  }

  private void typing(boolean on) {
    sender().client.typing(on);
    metrics.typingSent.increment();
  }

  private void send(int index, long intendedNanos) {
    byte[] body = new byte[size.next()];
    ByteBuffer.wrap(body).putLong(intendedNanos).putLong(index);
    metrics.sent.increment();
    synchronized (this) {
      unresolved++;
    }
    CompletableFuture<Long> f = sender().client.send(clientConstants.KIND_TEXT, body);
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

  /** The sender's message {@code index} was committed with {@code seq}. */
  void acked(int index, long seq, long intendedNanos) {
    metrics.ack.recordNanos(System.nanoTime() - intendedNanos);
    metrics.acked.increment();
    synchronized (this) {
      if (index < base) {
        metrics.seqMismatch.increment(); // acked twice: cannot happen unless the SDK misbehaves
        return;
      }
      int k = slot(index);
      checkSeq(k, seq);
      marks[k] |= ACKED;
      settleFront();
    }
  }

  /** Receiving device {@code d} got {@code m}. */
  void received(Device d, Message m) {
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
    long bit = 1L << d.receiver;
    synchronized (this) {
      if (index < base) { // settled: every receiver had it already
        metrics.duplicated.increment();
        return;
      }
      int k = slot(index);
      if ((marks[k] & bit) != 0) {
        metrics.duplicated.increment();
        return;
      }
      if (m.getSeq() <= lastSeq[d.receiver]) {
        metrics.outOfOrder.increment();
      }
      lastSeq[d.receiver] = Math.max(lastSeq[d.receiver], m.getSeq());
      checkSeq(k, m.getSeq());
      marks[k] |= bit;
      settleFront();
    }
    metrics.delivered.increment();
    metrics.delivery.recordNanos(now - intended);
    if (readEvery > 0 && d == b[0] && ++d.received % readEvery == 0) { // on d's event loop only
      d.client.readUpTo(m.getSeq());
      metrics.receiptsSent.increment();
    }
  }

  private void checkSeq(int k, long seq) {
    if (seqs[k] == 0) {
      seqs[k] = seq;
    } else if (seqs[k] != seq) {
      metrics.seqMismatch.increment();
    }
  }

  /** The slot of message {@code index} (at or after base), growing or compacting the window. */
  private int slot(long index) {
    long offset = index - base;
    int k = start + (int) offset;
    if (k >= seqs.length) {
      int used = end - start;
      int capacity = Math.max(16, Integer.highestOneBit(Math.max(used, (int) offset + 1)) * 2);
      seqs = moved(seqs, used, capacity);
      marks = moved(marks, used, capacity);
      start = 0;
      end = used;
      k = (int) offset;
    }
    end = Math.max(end, k + 1);
    return k;
  }

  private long[] moved(long[] from, int used, int capacity) {
    long[] to = new long[capacity];
    System.arraycopy(from, start, to, 0, used);
    return to;
  }

  /** Drops the slots at the front that were acked and reached every receiver. */
  private void settleFront() {
    long done = ACKED | allReceivers;
    while (start < end && marks[start] == done) {
      seqs[start] = 0;
      marks[start] = 0;
      start++;
      base++;
    }
    if (start == end) {
      start = 0;
      end = 0;
    }
  }

  /** Acked messages that have not reached every receiver (yet). */
  synchronized int lost() {
    int n = 0;
    for (int k = start; k < end; k++) {
      if ((marks[k] & ACKED) != 0 && (marks[k] & allReceivers) != allReceivers) {
        n++;
      }
    }
    return n;
  }

  /** Deliveries of acked messages missing, one per message and receiver. */
  synchronized long lostDeliveries() {
    long n = 0;
    for (int k = start; k < end; k++) {
      if ((marks[k] & ACKED) != 0) {
        n += Long.bitCount(allReceivers & ~marks[k]);
      }
    }
    return n;
  }

  /** True when every send is acked or failed and every ack reached every receiver. */
  synchronized boolean settled() {
    return unresolved == 0 && lost() == 0;
  }

  synchronized int unresolved() {
    return unresolved;
  }
}
