package io.presenter.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;

/**
 * picocli set up the one way every {@code presenter} command uses: the option types of this
 * package registered once ({@link Duration}, {@link AddressList}), help from the annotations, and
 * a usage error printed as one line naming the command and exiting with status 2.
 */
public final class Cli {
  /** Exit status of a command-line mistake (picocli's {@code ExitCode.USAGE}). */
  public static final int USAGE = CommandLine.ExitCode.USAGE;

  private Cli() {}

  /** A command line for {@code command} (an {@code @Command} object) with the shared converters. */
  public static CommandLine commandLine(Object command) {
    CommandLine line = new CommandLine(command);
    line.registerConverter(Duration.class, Durations::parse);
    line.registerConverter(AddressList.class, AddressList::parse);
    line.setParameterExceptionHandler(Cli::usageError);
    line.setUsageHelpAutoWidth(true);
    return line;
  }

  /**
   * A converter from a parse function that throws {@link IllegalArgumentException} on bad input
   * (most of our value types' {@code parse}): its message becomes the usage error.
   */
  public static <T> ITypeConverter<T> converter(Function<String, T> parse) {
    return text -> {
      try {
        return parse.apply(text);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    };
  }

  /** Parses and runs {@code args}; returns the exit status. */
  public static int execute(Object command, String... args) {
    return commandLine(command).execute(args);
  }

  /** A mistake found after parsing (options that exclude each other, a value out of range). */
  public static ParameterException usageError(CommandSpec spec, String message) {
    return new ParameterException(spec.commandLine(), message);
  }

  private static int usageError(ParameterException e, String[] args) {
    CommandLine line = e.getCommandLine();
    PrintWriter err = line.getErr();
    String name = line.getCommandSpec().qualifiedName();
    err.println(name + ": " + e.getMessage());
    err.println("Try '" + name + " --help' for its options.");
    err.flush();
    return USAGE;
  }
}
