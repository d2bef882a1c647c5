package io.presenter.gateway.weight;

import io.micrometer.core.instrument.MeterRegistry;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.DoubleSupplier;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Computes this gateway's weight every interval and hands the snapshot to every configured
 * {@link WeightPublisher}, in the order they were added.
 *
 * <p>Everything runs on one daemon thread of its own ({@code gateway-weights}): DNS and HTTP calls
 * block (each bounded by its publisher's timeout), and a slow DNS server must never stall an event
 * loop. A failing publisher is counted and logged ({@link GuardedPublisher}) and does not keep the
 * others from publishing. {@link #publishNow()} (a drain) runs a round at once; {@link #close()}
 * withdraws every publisher's records.
 */
public final class WeightPublishing implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WeightPublishing.class);
  private static final Duration CLOSE_BUDGET = Duration.ofSeconds(20);

  private final String id;
  private final HostPort address;
  private final WeightCalculator calculator;
  private final IntSupplier connections;
  private final BooleanSupplier draining;
  private final DoubleSupplier cpu;
  private final MeterRegistry meters;
  private final List<GuardedPublisher> publishers = new CopyOnWriteArrayList<>();
  private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "gateway-weights");
    t.setDaemon(true);
    return t;
  });
  private volatile int lastWeight = -1;

  public WeightPublishing(
      String id, HostPort address, WeightCalculator calculator, IntSupplier connections, BooleanSupplier draining,
      DoubleSupplier cpu, MeterRegistry meters) {
    this.id = id;
    this.address = address;
    this.calculator = calculator;
    this.connections = connections;
    this.draining = draining;
    this.cpu = cpu;
    this.meters = meters;
  }

  /** Adds a publisher (before {@link #start}); its failure counter is registered now, at 0. */
  public WeightPublishing add(WeightPublisher publisher, int refreshEvery) {
    publishers.add(new GuardedPublisher(publisher, refreshEvery, meters));
    return this;
  }

  /** Publishes at once, then every {@code interval} after the previous round ended. */
  public WeightPublishing start(Duration interval) {
    thread.scheduleWithFixedDelay(this::round, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    return this;
  }

  /** Runs a round now (on the publishing thread), e.g. so a drain reaches DNS at once. */
  public CompletableFuture<Void> publishNow() {
    try {
      return CompletableFuture.runAsync(this::round, thread);
    } catch (RejectedExecutionException e) { // closed: nothing is published any more
      return CompletableFuture.completedFuture(null);
    }
  }

  /** The weight of the last round (0..100), -1 before the first. */
  public int lastWeight() {
    return lastWeight;
  }

  private void round() {
    try {
      boolean isDraining = draining.getAsBoolean();
      int n = connections.getAsInt();
      WeightSnapshot snapshot = new WeightSnapshot(id, address, calculator.toPublish(n, cpu.getAsDouble(), isDraining), n, isDraining);
      lastWeight = snapshot.weight();
      for (GuardedPublisher p : publishers) {
        p.offer(snapshot);
      }
    } catch (RuntimeException e) { // an exception would cancel the schedule
      log.warn("weight publishing round failed: {}", e.toString());
    }
  }

  /** Withdraws every publisher's records (bounded by their timeouts) and stops the thread. */
  @Override
  public synchronized void close() {
    if (thread.isShutdown()) {
      return; // closed before (a gateway may be closed twice)
    }
    thread.execute(() -> publishers.forEach(GuardedPublisher::withdraw));
    thread.shutdown(); // runs the withdrawal, cancels the periodic rounds
    try {
      if (!thread.awaitTermination(CLOSE_BUDGET.toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn("weight publishers did not withdraw within {}", CLOSE_BUDGET);
        thread.shutdownNow();
      }
    } catch (InterruptedException e) {
      thread.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  /** This process's share of the machine's CPU, 0..1 (0 where the JVM cannot tell). */
  public static double processCpu() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuLoad();
    }
    return 0;
  }
}
