package io.presenter.loadtest.harness;

import java.io.PrintStream;
import java.util.Map;

/**
 * The live progress display: one line rewritten with a carriage return on a terminal, a plain
 * line every five seconds otherwise (logs, CI).
 */
final class Progress {
  private final PrintStream out;
  private final Metrics metrics;
  private final int target;
  private final boolean tty;
  private int ticks;
  private boolean pending;

  Progress(PrintStream out, Metrics metrics, int target) {
    this(out, metrics, target, out == System.out && System.console() != null);
  }

  Progress(PrintStream out, Metrics metrics, int target, boolean tty) {
    this.out = out;
    this.metrics = metrics;
    this.target = target;
    this.tty = tty;
  }

  void tick(Map<String, Object> p) {
    ticks++;
    String line = String.format("%-6s %5.0fs  conn %d/%d  sent %s/s  acked %s/s  delivered %s/s  e2e p99 %s ms (run %s ms)  errors %d  reconnects %d",
        p.get("phase"), ((Number) p.get("t")).doubleValue(), metrics.connections.get(), target, p.get("sent"), p.get("acked"),
        p.get("delivered"), p.get("deliveryP99Ms"), Metrics.ms(percentile99()), metrics.errors(), metrics.reconnects.sum());
    if (tty) {
      out.print("\r" + line + "\033[K");
      out.flush();
      pending = true;
    } else if (ticks % 5 == 0 || "done".equals(p.get("phase"))) {
      out.println(line);
    }
  }

  private long percentile99() {
    var h = metrics.delivery.total;
    return h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(99);
  }

  void finish() {
    if (pending) {
      out.println();
      pending = false;
    }
  }
}
