package io.presenter.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;

/**
 * {@code presenter drain}: starts a gateway's drain through its admin endpoint ({@code POST
 * /drain}) and waits until it is done. Lifecycle hooks (AWS Auto Scaling, Kubernetes preStop) call
 * it before the instance or pod is stopped, so the stop itself finds no client left.
 */
final class DrainCommand {
  static final String USAGE =
      """
      usage: presenter drain [--admin HOST:PORT] [--wait 15m] [--poll 2s]
        Drains the gateway whose admin endpoint is HOST:PORT (default 127.0.0.1:8480): it leaves
        DNS (weight 0), keeps serving, asks its clients to move spread over drain.window, and is
        done when no connection is left and none arrived for drain.quiet-period, or at
        drain.deadline. Prints the status as it goes. The gateway process keeps running, drained,
        until it is stopped (SIGTERM then exits at once).
        Exit status: 0 drained (or the gateway stopped meanwhile), 1 still draining after --wait,
        3 the admin endpoint could not be reached at the start.
      """;

  /** Outcome of a drain, as the process exit status. */
  enum Outcome {
    DRAINED(0), STILL_DRAINING(1), UNREACHABLE(3);

    final int exitStatus;

    Outcome(int exitStatus) {
      this.exitStatus = exitStatus;
    }
  }

  private DrainCommand() {}

  static void run(String[] argv) throws InterruptedException {
    Args args = new Args(argv, 0, Set.of("admin", "wait", "poll"));
    if (args.help()) {
      System.out.print(USAGE);
      return;
    }
    String admin = args.get("admin", "127.0.0.1:8480");
    Duration wait = Args.duration(args.get("wait", "15m"));
    Duration poll = Args.duration(args.get("poll", "2s"));
    Outcome outcome = drain(URI.create("http://" + admin + "/drain"), wait, poll, System.out);
    System.exit(outcome.exitStatus);
  }

  static Outcome drain(URI endpoint, Duration wait, Duration poll, PrintStream out) throws InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    Duration requestTimeout = Duration.ofSeconds(10);
    try {
      HttpResponse<String> started = http.send(
          HttpRequest.newBuilder(endpoint).timeout(requestTimeout).POST(HttpRequest.BodyPublishers.noBody()).build(),
          HttpResponse.BodyHandlers.ofString());
      out.print("drain started: " + started.body());
    } catch (IOException e) {
      out.println("cannot reach " + endpoint + ": " + e);
      return Outcome.UNREACHABLE;
    }
    long deadline = System.nanoTime() + wait.toNanos();
    while (System.nanoTime() < deadline) {
      Thread.sleep(poll.toMillis());
      String status;
      try {
        status = http.send(HttpRequest.newBuilder(endpoint).timeout(requestTimeout).GET().build(),
            HttpResponse.BodyHandlers.ofString()).body();
      } catch (IOException e) {
        // The admin port closes when the process exits: whatever stopped it, nobody is left to drain.
        out.println("gateway stopped: " + e.getClass().getSimpleName());
        return Outcome.DRAINED;
      }
      out.print(status);
      if (status.contains("\"drained\":true")) {
        return Outcome.DRAINED;
      }
    }
    out.println("still draining after " + wait);
    return Outcome.STILL_DRAINING;
  }
}
