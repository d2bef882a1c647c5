package io.presenter.gateway.drain;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import io.presenter.gateway.limits.ConnectionLimits;
import io.presenter.gateway.metrics.GatewayMetrics;
import io.presenter.gateway.relay.RelaySession;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scale-in for one gateway. {@link #drain()} keeps serving (late clients with stale DNS are still
 * accepted) and asks every connected client to move with a GoAway, each at a random moment of
 * the drain window so the rest of the fleet sees no handshake storm; a client arriving during
 * the drain is asked at a random moment of what is left of the window. The drain is done when no
 * connection is left and none arrived for the quiet period, or at the hard deadline.
 */
public final class DrainController {
  private static final Logger log = LoggerFactory.getLogger(DrainController.class);

  /** Drain timing, from the gateway config's {@code drain} section. */
  public record Settings(long windowMillis, long quietMillis, long deadlineMillis, int retryAfterMillis) {}

  private final Settings settings;
  private final ConnectionLimits limits;
  private final GatewayMetrics metrics;
  private final EventExecutor timer;
  private final Set<RelaySession> sessions = ConcurrentHashMap.newKeySet();
  private final CompletableFuture<Void> drained = new CompletableFuture<>();
  private final LongAdder goAwaysSent = new LongAdder();
  /** Longest wait for the weight-0 publication before clients are asked to move anyway. */
  public static final long OUT_OF_DNS_WAIT_MILLIS = 5_000;

  private volatile long startedNanos;
  /** When the go-aways of the drain window started (0 before): late clients share what is left. */
  private volatile long goAwaysStartedNanos;
  private ScheduledFuture<?> check;

  public DrainController(Settings settings, ConnectionLimits limits, GatewayMetrics metrics, EventExecutor timer) {
    this.settings = settings;
    this.limits = limits;
    this.metrics = metrics;
    this.timer = timer;
  }

  /** Tracks an authenticated session until its connection closes; asks it to go if draining. */
  public void register(RelaySession session, io.netty.channel.Channel client) {
    sessions.add(session);
    client.closeFuture().addListener(f -> sessions.remove(session));
    if (goAwaysStartedNanos != 0) {
      scheduleGoAway(session, remainingWindowMillis());
    }
  }

  public boolean isDraining() {
    return startedNanos != 0;
  }

  /**
   * Starts the drain (idempotent): marks the gateway draining, then calls {@code outOfDns} (the
   * weight-0 publication) and asks the connected clients to move only once it completed, or after
   * {@link #OUT_OF_DNS_WAIT_MILLIS} at most, so clients that reconnect do not find this gateway in
   * DNS again. Completes when the gateway may exit.
   */
  public synchronized CompletableFuture<Void> drain(Supplier<CompletableFuture<?>> outOfDns) {
    if (isDraining()) {
      return drained;
    }
    startedNanos = System.nanoTime();
    log.info("drain started: {} connections; window {} ms, quiet period {} ms, deadline {} ms",
        metrics.connections().get(), settings.windowMillis(), settings.quietMillis(), settings.deadlineMillis());
    check = timer.scheduleAtFixedRate(this::checkDone, 100, 100, TimeUnit.MILLISECONDS);
    outOfDns.get()
        .orTimeout(OUT_OF_DNS_WAIT_MILLIS, TimeUnit.MILLISECONDS)
        .whenComplete((ok, failure) -> timer.execute(this::askEveryoneToMove));
    return drained;
  }

  private void askEveryoneToMove() {
    goAwaysStartedNanos = System.nanoTime();
    log.info("draining {} sessions over {} ms", sessions.size(), settings.windowMillis());
    for (RelaySession session : sessions) {
      scheduleGoAway(session, settings.windowMillis());
    }
  }

  private void scheduleGoAway(RelaySession session, long withinMillis) {
    long delay = withinMillis <= 0 ? 0 : ThreadLocalRandom.current().nextLong(withinMillis + 1);
    timer.schedule(() -> {
      goAwaysSent.increment();
      session.goAway(settings.retryAfterMillis());
    }, delay, TimeUnit.MILLISECONDS);
  }

  private long remainingWindowMillis() {
    return settings.windowMillis() - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - goAwaysStartedNanos);
  }

  private void checkDone() {
    long now = System.nanoTime();
    boolean idle =
        metrics.connections().get() == 0
            && TimeUnit.NANOSECONDS.toMillis(now - Math.max(startedNanos, limits.lastAdmittedNanos())) >= settings.quietMillis();
    boolean overdue = TimeUnit.NANOSECONDS.toMillis(now - startedNanos) >= settings.deadlineMillis();
    if (idle || overdue) {
      check.cancel(false);
      log.info("drain {} after {} ms: {} connections left", idle ? "complete" : "deadline reached",
          TimeUnit.NANOSECONDS.toMillis(now - startedNanos), metrics.connections().get());
      drained.complete(null);
    }
  }

  /** Seconds since the drain started (0 when not draining): the "drain stuck" alert watches it. */
  public double drainingSeconds() {
    long started = startedNanos;
    return started == 0 ? 0 : (System.nanoTime() - started) / 1e9;
  }

  /** GoAway(DRAINING) frames asked of sessions so far. */
  public long goAwaysSent() {
    return goAwaysSent.sum();
  }

  /** For the admin endpoint: draining or not, connections left. */
  public String status() {
    return "{\"draining\":" + isDraining() + ",\"drained\":" + drained.isDone()
        + ",\"connections\":" + metrics.connections().get() + ",\"goaways\":" + goAwaysSent()
        + ",\"seconds\":" + Math.round(drainingSeconds()) + "}\n";
  }
}
