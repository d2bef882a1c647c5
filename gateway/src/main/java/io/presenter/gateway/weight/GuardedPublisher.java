package io.presenter.gateway.weight;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One publisher as {@link WeightPublishing} drives it: decides whether a snapshot is worth sending
 * (changed, or a refresh is due), and turns every failure into a count
 * ({@code presenter.gateway.weight.publish.failures{publisher}}, registered at 0 so dashboards and
 * alerts see it before the first failure) and a log line at most once a minute. Used from the
 * publishing thread only.
 */
final class GuardedPublisher {
  private static final Logger log = LoggerFactory.getLogger(GuardedPublisher.class);
  static final String FAILURES = "presenter.gateway.weight.publish.failures";
  private static final long LOG_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);

  private final WeightPublisher publisher;
  private final int refreshEvery;
  private final Counter failures;
  private WeightSnapshot lastSent;
  private int roundsSinceSent;
  private long failuresSinceLog;
  private long lastLogNanos;
  private boolean failing;

  /** {@code refreshEvery}: send an unchanged snapshot again after this many rounds (1 = every round). */
  GuardedPublisher(WeightPublisher publisher, int refreshEvery, MeterRegistry meters) {
    this.publisher = publisher;
    this.refreshEvery = Math.max(1, refreshEvery);
    this.failures = meters.counter(FAILURES, "publisher", publisher.name());
    this.lastLogNanos = System.nanoTime() - LOG_EVERY_NANOS; // the first failure is logged at once
  }

  String name() {
    return publisher.name();
  }

  /** Sends {@code snapshot} if it differs from the last one sent, the last send failed, or a refresh is due. */
  void offer(WeightSnapshot snapshot) {
    roundsSinceSent++;
    if (snapshot.routesLike(lastSent) && roundsSinceSent < refreshEvery) {
      return;
    }
    try {
      publisher.publish(snapshot);
      lastSent = snapshot;
      roundsSinceSent = 0;
      if (failing) {
        failing = false;
        log.info("weight publisher {} works again (weight {}{})", name(), snapshot.weight(), snapshot.draining() ? ", draining" : "");
      }
    } catch (Exception | LinkageError e) { // a missing class must not end the publishing thread either
      lastSent = null; // try again next round
      failed("cannot publish the gateway's weight", e);
    }
  }

  /** Removes what was published; a failure is counted and logged (at shutdown, always logged). */
  void withdraw() {
    try {
      publisher.withdraw();
    } catch (Exception | LinkageError e) {
      failures.increment();
      log.warn("weight publisher {} cannot withdraw this gateway's records: {}", name(), e.toString());
    }
  }

  private void failed(String what, Throwable e) {
    failing = true;
    failures.increment();
    failuresSinceLog++;
    long now = System.nanoTime();
    if (now - lastLogNanos >= LOG_EVERY_NANOS) {
      lastLogNanos = now;
      log.warn("weight publisher {}: {} ({} failure(s) since the last such message, {} in all): {}",
          name(), what, failuresSinceLog, (long) failures.count(), e.toString());
      failuresSinceLog = 0;
    }
  }
}
