package io.presenter.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code presenter drain}: starts a gateway's drain through its admin endpoint ({@code POST
 * /drain}) and waits until it is done. Lifecycle hooks (AWS Auto Scaling, Kubernetes preStop) call
 * it before the instance or pod is stopped, so the stop itself finds no client left.
 */
@Command(name = "drain", description = {
    "drain a gateway through its admin endpoint and wait until it is done",
    "",
    "The gateway leaves DNS (weight 0), keeps serving, asks its clients to move spread over drain.window, and is done"
        + " when no connection is left and none arrived for drain.quiet-period, or at drain.deadline. Prints the status"
        + " as it goes. The gateway process keeps running, drained, until it is stopped (SIGTERM then exits at once)."},
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
      "0:drained (or the gateway stopped meanwhile)",
      "1:still draining after --wait",
      "2:a usage error",
      "3:the admin endpoint could not be reached at the start"})
final class DrainCommand implements Callable<Integer> {
  @Option(names = "--admin", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:8480",
      description = "the gateway's admin endpoint (default ${DEFAULT-VALUE})")
  String admin;

  @Option(names = "--wait", paramLabel = "DURATION", defaultValue = "15m",
      description = "give up (exit 1) after this long (default ${DEFAULT-VALUE})")
  Duration wait;

  @Option(names = "--poll", paramLabel = "DURATION", defaultValue = "2s",
      description = "how often to read the drain status (default ${DEFAULT-VALUE})")
  Duration poll;

  /** Outcome of a drain, as the process exit status. */
  enum Outcome {
    DRAINED(0), STILL_DRAINING(1), UNREACHABLE(3);

    final int exitStatus;

    Outcome(int exitStatus) {
      this.exitStatus = exitStatus;
    }
  }

  @Override
  public Integer call() throws InterruptedException {
    return drain(URI.create("http://" + admin + "/drain"), wait, poll, System.out).exitStatus;
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
