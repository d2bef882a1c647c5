package io.presenter.gateway.weight;

/**
 * The weight a gateway asks weighted DNS to give it, 0..100.
 *
 * <pre>
 *   weight = round(100 * (1 - connections / maxConnections) * (1 - cpu)), at least 1; 0 while draining
 * </pre>
 *
 * Why: a gateway's capacity runs out on connections (memory, file descriptors) or on CPU
 * (handshakes), whichever comes first, so each headroom scales the weight; an idle new gateway
 * gets ~100 and attracts most new connections, a full one gets 1 (never 0, which DNS would read
 * as "remove"). Against oscillation: CPU is smoothed (exponential moving average, so a burst of
 * handshakes does not swing the weight at once), and a new weight is published only when it
 * moved by at least {@link #HYSTERESIS} points — DNS caches hold old weights for a TTL anyway, so
 * small changes only cause churn.
 */
public final class WeightCalculator {
  public static final int MAX = 100;
  public static final int HYSTERESIS = 5;
  private static final double CPU_SMOOTHING = 0.3;

  private final int maxConnections;
  private double smoothedCpu = -1;
  private int published = -1;

  public WeightCalculator(int maxConnections) {
    this.maxConnections = Math.max(1, maxConnections);
  }

  /** The raw weight for these readings (cpu is the process's share of the machine, 0..1). */
  public int weight(int connections, double cpu, boolean draining) {
    if (draining) {
      return 0;
    }
    smoothedCpu = smoothedCpu < 0 ? clamp(cpu) : smoothedCpu + CPU_SMOOTHING * (clamp(cpu) - smoothedCpu);
    double connectionHeadroom = 1 - Math.min(1.0, (double) connections / maxConnections);
    long w = Math.round(MAX * connectionHeadroom * (1 - smoothedCpu));
    return (int) Math.max(1, Math.min(MAX, w));
  }

  /**
   * The weight to publish now: the new one if it moved by {@link #HYSTERESIS} or more (or
   * reached 0 for a drain, or is the first), otherwise the last published one.
   */
  public int toPublish(int connections, double cpu, boolean draining) {
    int w = weight(connections, cpu, draining);
    if (published < 0 || w == 0 || published == 0 || Math.abs(w - published) >= HYSTERESIS) {
      published = w;
    }
    return published;
  }

  private static double clamp(double cpu) {
    return Double.isNaN(cpu) || cpu < 0 ? 0 : Math.min(1, cpu);
  }
}
