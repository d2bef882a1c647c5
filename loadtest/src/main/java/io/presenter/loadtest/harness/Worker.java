package io.presenter.loadtest.harness;

import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code presenter loadtest-worker N} (hidden, io.presenter.loadtest.LoadtestMain): one worker process of a {@link Coordinator} run.
 * Reads its spec and the start instant from stdin, runs its slice of couples, writes samples and
 * its final report to stdout (see {@link WorkerProtocol}); everything else it prints goes to
 * stderr. Exits at once when stdin ends before it finished: the coordinator is gone.
 */
public final class Worker {
  /** The harness's main class (io.presenter.loadtest.LoadtestMain) and its hidden worker command. */
  static final String MAIN_CLASS = "io.presenter.loadtest.LoadtestMain";
  public static final String COMMAND = "loadtest-worker";

  private Worker() {}

  public static void run() throws Exception {
    PrintStream report = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
    System.setOut(System.err); // stdout carries the protocol only
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String specLine = in.readLine();
    if (specLine == null) {
      throw new IllegalStateException("no spec on stdin (this command is started by presenter loadtest --workers N)");
    }
    WorkerProtocol.Spec spec = WorkerProtocol.spec(WorkerProtocol.JSON.readTree(specLine));
    System.err.printf("worker %d: couples %d..%d of %d%n", spec.worker(), spec.firstCouple(), spec.firstCouple() + spec.couples() - 1,
        spec.options().couples());
    Simulation simulation = new Simulation(spec.options(), spec.firstCouple(), spec.couples(), spec.runId());
    simulation.prepare();
    report.println(WorkerProtocol.ready(spec.worker(), ProcessHandle.current().pid()));
    String startLine = in.readLine();
    if (startLine == null) {
      System.err.println("coordinator gone before the start");
      System.exit(3);
    }
    long at = WorkerProtocol.JSON.readTree(startLine).path("atEpochMillis").asLong();
    long startNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(at - System.currentTimeMillis());
    AtomicBoolean finished = new AtomicBoolean();
    Thread watch = new Thread(() -> {
      try {
        while (in.readLine() != null) {
          // nothing else is sent; wait for the end of input
        }
      } catch (Exception ignored) {
        // treated as the end of input
      }
      if (!finished.get()) {
        System.err.println("coordinator gone: stopping");
        Runtime.getRuntime().halt(3);
      }
    }, "coordinator-watch");
    watch.setDaemon(true);
    watch.start();
    Totals totals = simulation.run(startNanos, s -> report.println(WorkerProtocol.sample(s)));
    finished.set(true);
    report.println(WorkerProtocol.finalLine(totals, ProcessStats.now()));
    simulation.close();
    System.err.println("worker " + spec.worker() + ": done");
    System.exit(0);
  }
}
