package io.presenter.loadtest.harness;

import java.io.PrintStream;

/**
 * The live progress display, fed merged seconds of the run: one line rewritten with a carriage
 * return on a terminal, a plain line every five seconds otherwise (logs, CI).
 */
final class Progress {
  private final PrintStream out;
  private final Aggregate run;
  private final long target;
  private final boolean tty;
  private int ticks;
  private boolean pending;

  Progress(PrintStream out, Aggregate run, long target) {
    this(out, run, target, out == System.out && System.console() != null);
  }

  Progress(PrintStream out, Aggregate run, long target, boolean tty) {
    this.out = out;
    this.run = run;
    this.target = target;
    this.tty = tty;
  }

  void tick(Sample s) {
    ticks++;
    String workers = run.processes() > 1 ? "  workers " + run.processes() : "";
    String line = String.format("%-6s %5ds  conn %d/%d  sent %d/s  acked %d/s  delivered %d/s  e2e p99 %s ms (run %s ms)  errors %d  reconnects %d%s",
        s.phase(), s.second(), s.connections(), target, s.count("sent"), s.count("acked"), s.count("delivered"),
        s.point().get("deliveryP99Ms"), run.deliveryP99Ms(), run.running("errors"), run.running("reconnects"), workers);
    if (tty) {
      out.print("\r" + line + "\033[K");
      out.flush();
      pending = true;
    } else if (ticks % 5 == 0 || Sample.DONE.equals(s.phase())) {
      out.println(line);
    }
  }

  void finish() {
    if (pending) {
      out.println();
      pending = false;
    }
  }
}
