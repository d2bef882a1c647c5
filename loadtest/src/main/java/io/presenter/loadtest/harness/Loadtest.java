package io.presenter.loadtest.harness;

import java.io.PrintStream;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code presenter loadtest}: C simulated couples through the SDK, in this process ({@code
 * --workers 1}) or in worker processes under a {@link Coordinator}; either way one report.
 */
public final class Loadtest {
  private final LoadtestOptions options;
  private final PrintStream out;

  public Loadtest(LoadtestOptions options, PrintStream out) {
    this.options = options;
    this.out = out;
  }

  /** Runs the whole test; the report says whether it passed. */
  public LoadReport run() throws Exception {
    return options.workers() > 1 ? new Coordinator(options, out).run() : inProcess();
  }

  private LoadReport inProcess() throws Exception {
    Instant started = Instant.now();
    Aggregate run = new Aggregate(1);
    Progress progress = new Progress(out, run, options.connections());
    String runId = Long.toString(System.currentTimeMillis(), 36);
    try (Simulation simulation = new Simulation(options, 0, options.couples(), runId)) {
      simulation.prepare();
      Totals totals = simulation.run(System.nanoTime(), s -> {
        run.add(0, s);
        run.takeComplete(false).forEach(progress::tick);
      });
      run.finish(0, totals);
      progress.finish();
      Map<String, Object> process = new LinkedHashMap<>();
      process.put("worker", 0);
      process.put("couples", options.couples());
      process.put("inProcess", true);
      process.putAll(ProcessStats.now());
      return new LoadReport(options, run, totals, started, List.of(process), List.of());
    }
  }
}
