package io.presenter.loadtest;

import io.presenter.cli.Cli;
import io.presenter.loadtest.harness.LoadtestOptions;
import io.presenter.loadtest.harness.SizeDistribution;
import io.presenter.loadtest.harness.Worker;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The load harness's commands, {@code presenter loadtest} and {@code presenter bench}: in a source
 * checkout {@code deploy/bin/presenter} runs them from this module, which production installs do
 * not include. The hidden {@code loadtest-worker} is one worker process of a loadtest run.
 */
@Command(
    name = "presenter",
    synopsisSubcommandLabel = "COMMAND",
    description = "The Presenter load harness (not part of a production install).",
    subcommands = {LoadtestCommand.class, BenchCommand.class, LoadtestMain.WorkerCommand.class})
public final class LoadtestMain implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = {"-h", "--help"}, usageHelp = true, scope = ScopeType.INHERIT, description = "Show this help and exit.")
  boolean help;

  public static void main(String[] args) {
    System.exit(commandLine(new LoadtestMain()).execute(args));
  }

  /** {@code command}'s command line with the harness's option types on top of the shared ones. */
  static CommandLine commandLine(Object command) {
    CommandLine line = Cli.commandLine(command);
    line.registerConverter(SizeDistribution.class, Cli.converter(SizeDistribution::parse));
    line.registerConverter(LoadtestOptions.Storm.class, Cli.converter(LoadtestOptions.Storm::parse));
    return line;
  }

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return Cli.USAGE;
  }

  /** Started by a loadtest with more than one worker, never by hand: see {@link Worker}. */
  @Command(name = Worker.COMMAND, hidden = true)
  static final class WorkerCommand implements Callable<Integer> {
    @Parameters(paramLabel = "N", description = "the worker's index (to tell the processes apart)")
    int index;

    @Override
    public Integer call() throws Exception {
      Worker.run();
      return 0;
    }
  }
}
