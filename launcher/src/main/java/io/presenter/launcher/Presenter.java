package io.presenter.launcher;

import io.presenter.cli.Cli;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** The {@code presenter} command: one entry point for every process and tool of an install. */
@Command(
    name = "presenter",
    synopsisSubcommandLabel = "COMMAND",
    description = "Presenter: a TLS gateway tier in front of couple-sharded chat servers.",
    footer = {"", "presenter COMMAND --help shows a command's options. [load harness]: in a source checkout only"
        + " (deploy/bin/presenter runs it from loadtest/), not in a production install."},
    subcommands = {
      LocalCommand.class,
      GatewayCommand.class,
      ChatServerCommand.class,
      DrainCommand.class,
      TokenCommand.class,
      ChatCommand.class,
      HarnessCommands.Loadtest.class,
      HarnessCommands.Bench.class
    })
public final class Presenter implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = {"-h", "--help"}, usageHelp = true, scope = ScopeType.INHERIT, description = "Show this help and exit.")
  boolean help;

  public static void main(String[] args) {
    System.exit(Cli.execute(new Presenter(), args));
  }

  /** No command given: the list of commands, as a usage error. */
  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return Cli.USAGE;
  }
}
