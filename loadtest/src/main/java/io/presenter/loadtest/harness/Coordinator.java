package io.presenter.loadtest.harness;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the harness in N worker processes and merges them into one run. Each worker is a child
 * JVM (this process's java binary and class path, the hidden {@code loadtest-worker} command, a
 * heap sized for its connections) holding a contiguous slice of the couples, so both partners
 * and all their devices are in one process and the loss checks stay local. All start at one
 * instant with their share of the ramp rate. The coordinator merges their per-second samples into
 * the progress line and the time series and their final totals into the report (see {@link
 * WorkerProtocol}). A worker that exits before its final report or stays silent is "worker-lost"
 * and fails the run. Every wait has a deadline; the children are killed by PID at the end and by
 * a shutdown hook on Ctrl-C. Worker N's stderr goes to {@code <out>/worker-N.log}.
 */
final class Coordinator {
  /** A worker reports every second; this much silence means it hangs. */
  private static final long SILENCE_NANOS = TimeUnit.SECONDS.toNanos(20);
  private static final long READY_NANOS = TimeUnit.SECONDS.toNanos(60);

  private final LoadtestOptions options;
  private final PrintStream out;
  private final List<Child> children = new ArrayList<>();

  Coordinator(LoadtestOptions options, PrintStream out) {
    this.options = options;
    this.out = out;
  }

  /** One worker process and what it said. */
  private final class Child {
    final int index;
    final int firstCouple;
    final int couples;
    final Process process;
    final Writer stdin;
    volatile long lastHeard = System.nanoTime();
    volatile boolean ready;
    volatile Map<String, Object> processFigures = Map.of();
    volatile Totals totals;
    volatile String lostReason;

    Child(int index, int firstCouple, int couples, Process process) {
      this.index = index;
      this.firstCouple = firstCouple;
      this.couples = couples;
      this.process = process;
      this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    }

    void send(String line) {
      try {
        stdin.write(line + "\n");
        stdin.flush();
      } catch (IOException e) {
        lost("its input closed: " + e.getMessage());
      }
    }

    /** Reads the worker's stdout until it ends; runs on its own thread. */
    void read(Aggregate run) {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          lastHeard = System.nanoTime();
          if (!line.startsWith("{")) {
            continue; // not ours (a library printing to stdout)
          }
          JsonNode n = WorkerProtocol.JSON.readTree(line);
          switch (n.path("type").asText()) {
            case "ready" -> ready = true;
            case "sample" -> run.add(index, WorkerProtocol.sample(n));
            case "final" -> {
              totals = WorkerProtocol.totals(n);
              run.finish(index, totals);
              processFigures = WorkerProtocol.JSON.convertValue(n.path("process"), Map.class);
            }
            default -> { }
          }
        }
      } catch (Exception e) {
        lost("unreadable report: " + e);
      }
    }

    void lost(String reason) {
      if (lostReason == null && !finished()) {
        lostReason = "worker " + index + " (pid " + process.pid() + ") lost: " + reason;
      }
    }

    boolean finished() {
      return processFigures != null && !processFigures.isEmpty();
    }

    void kill() {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
  }

  LoadReport run() throws Exception {
    Instant started = Instant.now();
    Files.createDirectories(options.out());
    String runId = Long.toString(System.currentTimeMillis(), 36);
    int n = options.workers();
    Aggregate run = new Aggregate(n);
    Thread hook = new Thread(this::killAll, "loadtest-kill-workers");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      int first = 0;
      for (int w = 0; w < n; w++) {
        int couples = options.couples() / n + (w < options.couples() % n ? 1 : 0);
        Child c = spawn(w, first, couples);
        children.add(c);
        c.send(WorkerProtocol.spec(new WorkerProtocol.Spec(w, first, couples, runId, options)));
        Thread reader = new Thread(() -> c.read(run), "loadtest-worker-" + w);
        reader.setDaemon(true);
        reader.start();
        first += couples;
      }
      awaitReady(run);
      long at = System.currentTimeMillis() + 500;
      children.stream().filter(c -> c.lostReason == null).forEach(c -> c.send(WorkerProtocol.start(at)));
      follow(run, at);
      awaitExit();
    } finally {
      killAll();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook runs anyway
      }
    }
    List<String> lost = new ArrayList<>();
    List<Map<String, Object>> workers = new ArrayList<>();
    for (Child c : children) {
      if (c.lostReason != null) {
        lost.add(c.lostReason);
      }
      Map<String, Object> w = new LinkedHashMap<>();
      w.put("worker", c.index);
      w.put("couples", c.couples);
      w.put("firstCouple", c.firstCouple);
      w.put("log", options.out().resolve("worker-" + c.index + ".log").toString());
      w.putAll(c.processFigures);
      if (c.totals != null) {
        w.put("counts", c.totals.counts());
        w.put("peakConnections", c.totals.peakConnections());
      }
      if (c.lostReason != null) {
        w.put("lost", c.lostReason);
      }
      workers.add(w);
    }
    Totals totals = run.totals();
    if (!lost.isEmpty()) {
      totals = totals.withError("worker-lost", lost.size());
    }
    return new LoadReport(options, run, totals, started, workers, lost);
  }

  private Child spawn(int index, int firstCouple, int couples) throws IOException {
    long connections = 2L * couples;
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    cmd.addAll(jvmFlags(connections, options.threads()));
    for (String name : System.getProperties().stringPropertyNames()) {
      if (name.startsWith("io.netty.") || name.startsWith("presenter.")) {
        cmd.add("-D" + name + "=" + System.getProperty(name));
      }
    }
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(Worker.MAIN_CLASS);
    cmd.add(Worker.COMMAND);
    cmd.add(Integer.toString(index));
    Path log = options.out().resolve("worker-" + index + ".log");
    Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
    return new Child(index, firstCouple, couples, p);
  }

  /**
   * A heap for the clients' state (measured: about 7.5 KB live per idle connection; TLS state is
   * native) with room for traffic, the serial collector (no GC threads; it returns memory after
   * a full GC), pooled buffer arenas only for the event loop threads.
   */
  static List<String> jvmFlags(long connections, int threads) {
    long heapMb = 192 + connections * 24 / 1024;
    return List.of("-Xmx" + heapMb + "m", "-Xss512k", "-XX:+UseSerialGC", "-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=30",
        "-XX:MaxMetaspaceSize=128m", "-XX:ReservedCodeCacheSize=64m", "-XX:+ExitOnOutOfMemoryError",
        "-Dio.netty.allocator.numDirectArenas=" + threads, "-Dio.netty.allocator.numHeapArenas=" + threads);
  }

  private void awaitReady(Aggregate run) throws InterruptedException {
    long deadline = System.nanoTime() + READY_NANOS;
    while (true) {
      boolean waiting = false;
      for (Child c : children) {
        if (c.ready || c.lostReason != null) {
          continue;
        }
        if (!c.process.isAlive()) {
          c.lost("exited with status " + c.process.exitValue() + " while starting (see its log)");
          run.lost(c.index);
        } else if (System.nanoTime() > deadline) {
          c.lost("not ready within " + TimeUnit.NANOSECONDS.toSeconds(READY_NANOS) + " s");
          run.lost(c.index);
          c.kill();
        } else {
          waiting = true;
        }
      }
      if (!waiting) {
        return;
      }
      Thread.sleep(50);
    }
  }

  /** Drives the progress line until every worker sent its final report or was lost. */
  private void follow(Aggregate run, long startEpochMillis) throws InterruptedException {
    Progress progress = new Progress(out, run, options.connections());
    double rampSeconds = options.connections() / options.ramp();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(startEpochMillis - System.currentTimeMillis())
        + (long) ((rampSeconds + 30 + options.duration().toSeconds() + 5 * 60 + 60) * 1e9);
    while (true) {
      boolean running = false;
      for (Child c : children) {
        if (c.finished()) {
          continue;
        }
        if (c.lostReason == null) {
          if (!c.process.isAlive()) {
            Thread.sleep(200); // the reader may still be taking in the last lines
            if (c.finished()) {
              continue;
            }
            c.lost("exited with status " + c.process.exitValue() + " before its final report (see its log)");
          } else if (System.nanoTime() - c.lastHeard > SILENCE_NANOS) {
            c.lost("silent for " + TimeUnit.NANOSECONDS.toSeconds(SILENCE_NANOS) + " s");
          } else if (System.nanoTime() > deadline) {
            c.lost("still running at the run's deadline");
          } else {
            running = true;
            continue;
          }
        }
        c.kill();
        run.lost(c.index);
      }
      run.takeComplete(!running).forEach(progress::tick);
      if (!running) {
        break;
      }
      Thread.sleep(200);
    }
    progress.finish();
  }

  /** After their final reports the workers close their clients and exit; bounded. */
  private void awaitExit() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    for (Child c : children) {
      try {
        c.stdin.close();
      } catch (IOException ignored) {
        // already gone
      }
      long left = Math.max(0, deadline - System.nanoTime());
      if (!c.process.waitFor(left, TimeUnit.NANOSECONDS)) {
        c.kill();
      }
    }
  }

  private void killAll() {
    for (Child c : children) {
      if (c.process.isAlive()) {
        c.kill();
      }
    }
  }
}
