package io.presenter.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

class CliTest {
  @Command(name = "demo", description = "A command to parse with.")
  static final class Demo implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
    boolean help;

    @Option(names = "--wait", defaultValue = "2m", description = "How long (default ${DEFAULT-VALUE}).")
    Duration wait;

    @Option(names = "--sources", description = "Addresses.")
    AddressList sources;

    @Option(names = "--count", defaultValue = "1")
    int count;

    @Override
    public Integer call() {
      if (count < 1) {
        throw Cli.usageError(spec, "--count must be at least 1");
      }
      return 0;
    }
  }

  private static String run(int expectedStatus, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine line = Cli.commandLine(new Demo());
    line.setOut(new PrintWriter(out));
    line.setErr(new PrintWriter(err));
    assertThat(line.execute(args)).as("exit status; stderr: %s", err).isEqualTo(expectedStatus);
    return out + "" + err;
  }

  @Test
  void durationsTakeAUnitOrAreSeconds() {
    assertThat(Durations.parse("50ms")).isEqualTo(Duration.ofMillis(50));
    assertThat(Durations.parse("1.5s")).isEqualTo(Duration.ofMillis(1500));
    assertThat(Durations.parse("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(Durations.parse("24h")).isEqualTo(Duration.ofHours(24));
    assertThat(Durations.parse("7d")).isEqualTo(Duration.ofDays(7));
    assertThat(Durations.parse("30")).isEqualTo(Duration.ofSeconds(30));
    assertThatThrownBy(() -> Durations.parse("fast")).hasMessageContaining("bad duration 'fast'");
  }

  @Test
  void addressesAreAListOrRanges() throws Exception {
    assertThat(AddressList.parse("127.0.0.1-127.0.0.3,127.0.0.9").addresses()).extracting(InetAddress::getHostAddress)
        .containsExactly("127.0.0.1", "127.0.0.2", "127.0.0.3", "127.0.0.9");
    assertThat(AddressList.parse("127.0.0.254-127.0.1.1").addresses()).hasSize(4);
    assertThatThrownBy(() -> AddressList.parse("127.0.0.9-127.0.0.1")).hasMessageContaining("FIRST-LAST");
    assertThatThrownBy(() -> AddressList.parse("127.0.0.0-127.0.1.0")).hasMessageContaining("at most 256");
  }

  @Test
  void typesAreConvertedThroughTheRegisteredConverters() {
    Demo demo = new Demo();
    Cli.commandLine(demo).parseArgs("--wait", "1.5s", "--sources", "127.0.0.1-127.0.0.2");
    assertThat(demo.wait).isEqualTo(Duration.ofMillis(1500));
    assertThat(demo.sources.addresses()).hasSize(2);
    Demo defaults = new Demo();
    Cli.commandLine(defaults).parseArgs();
    assertThat(defaults.wait).isEqualTo(Duration.ofMinutes(2));
  }

  @Test
  void usageErrorsNameTheCommandAndExitWith2() {
    assertThat(run(2, "--wait", "soon")).contains("demo: Invalid value for option '--wait'", "bad duration 'soon'",
        "Try 'demo --help'");
    assertThat(run(2, "--nope")).contains("demo: Unknown option: '--nope'");
    assertThat(run(2, "--count", "0")).contains("demo: --count must be at least 1");
    assertThat(run(2, "--sources", "127.0.0.9-127.0.0.1")).contains("FIRST-LAST");
    assertThat(run(0)).isEmpty();
  }

  @Test
  void helpComesFromTheAnnotations() {
    assertThat(run(0, "--help")).contains("Usage: demo", "A command to parse with.", "--wait=<wait>", "(default 2m)");
  }
}
