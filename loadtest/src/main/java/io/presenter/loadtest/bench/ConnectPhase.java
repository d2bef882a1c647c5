package io.presenter.loadtest.bench;

import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Connects and authenticates a list of clients with at most {@code concurrency} attempts in
 * flight, until all are done or a deadline passes. Used for the full-handshake phase and for the
 * resumed-handshake phase.
 */
final class ConnectPhase {
  /** What one phase achieved; latencies in the histograms, in microseconds. */
  record Result(int attempted, int authenticated, int failed, int resumed, double seconds, Histogram handshakes, Histogram connectToAuthOk) {
    double perSecond() {
      return seconds > 0 ? authenticated / seconds : 0;
    }
  }

  private final BenchClient client;
  private final int concurrency;

  ConnectPhase(BenchClient client, int concurrency) {
    this.client = client;
    this.concurrency = concurrency;
  }

  /** Connects clients {@code indices}; {@code into[i]} receives the connection of {@code indices.get(i)}. */
  Result run(List<Integer> indices, BenchConn[] into, long timeoutNanos) throws InterruptedException {
    Histogram handshakes = BenchStats.newHistogram();
    Histogram toAuthOk = BenchStats.newHistogram();
    Semaphore inFlight = new Semaphore(concurrency);
    long start = System.nanoTime();
    long deadline = start + timeoutNanos;
    int attempted = 0;
    for (int i = 0; i < indices.size(); i++) {
      if (!inFlight.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
        break;
      }
      BenchConn conn = client.connect(indices.get(i), handshakes, toAuthOk);
      conn.authenticated().addListener(f -> inFlight.release());
      into[i] = conn;
      attempted++;
    }
    // Wait for the attempts still in flight, within the same deadline.
    inFlight.tryAcquire(concurrency, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    double seconds = (System.nanoTime() - start) / 1e9;
    int ok = 0;
    int resumed = 0;
    for (int i = 0; i < attempted; i++) {
      BenchConn conn = into[i];
      if (conn.authenticated().isSuccess()) {
        ok++;
        resumed += conn.resumed() ? 1 : 0;
      } else {
        if (!conn.authenticated().isDone()) {
          client.stats().error(new java.util.concurrent.TimeoutException("no AuthOk before the phase deadline"));
        }
        conn.close();
        into[i] = null;
      }
    }
    return new Result(attempted, ok, attempted - ok, resumed, seconds, handshakes, toAuthOk);
  }
}
