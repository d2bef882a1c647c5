package io.presenter.launcher;

import io.presenter.cli.Cli;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * The load harness's commands, named here so that {@code presenter --help} lists them. The
 * harness is its own module (io.presenter.loadtest.LoadtestMain) and not part of a production
 * install: in a source checkout {@code deploy/bin/presenter} runs these commands from it, and the
 * launcher itself only says so.
 */
final class HarnessCommands {
  private static final String NOTE = "The load harness is in a source checkout only, not in a production install.";

  private HarnessCommands() {}

  @Command(name = "loadtest", description = {
      "[load harness] simulated couples through gateways: latency, loss/duplicate checks, JSON and HTML report", NOTE})
  static final class Loadtest extends Absent {}

  @Command(name = "bench", description = {
      "[load harness] benchmark a gateway or a chat server's direct port: handshakes, memory, relay latency", NOTE})
  static final class Bench extends Absent {}

  /** Any arguments; says where the command is and exits 2. */
  abstract static class Absent implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Unmatched List<String> arguments;

    @Override
    public Integer call() {
      String name = spec.name();
      spec.commandLine().getErr().println("presenter " + name + " is part of the load harness, which this install does not"
          + " include. In a source checkout, deploy/bin/presenter " + name + " runs it (it builds loadtest/ on first use).");
      return Cli.USAGE;
    }
  }
}
