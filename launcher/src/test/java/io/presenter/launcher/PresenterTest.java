package io.presenter.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.presenter.cli.Cli;
import io.presenter.runtime.token.TokenKeys;
import io.presenter.runtime.token.TokenVerifier;
import io.presenter.runtime.token.VerifiedToken;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The {@code presenter} command line: help from the annotations, usage errors exit 2, the harness's commands named. */
class PresenterTest {
  @TempDir Path dir;

  private record Run(int status, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine line = Cli.commandLine(new Presenter());
    line.setOut(new PrintWriter(out, true));
    line.setErr(new PrintWriter(err, true));
    int status = line.execute(args);
    return new Run(status, out.toString(), err.toString());
  }

  @Test
  void helpListsEveryCommandAndMarksTheLoadHarness() {
    Run help = run("--help");
    assertThat(help.status()).isZero();
    assertThat(help.out()).contains("Usage: presenter [-h] COMMAND", "local", "gateway", "chat-server", "drain", "token", "chat",
        "[load harness] simulated couples", "[load harness] benchmark");
    Run none = run();
    assertThat(none.status()).isEqualTo(2);
    assertThat(none.err()).contains("Usage: presenter");
  }

  @Test
  void eachCommandHasItsHelp() {
    assertThat(run("gateway", "--help").out()).contains("Usage: presenter gateway", "--config=FILE", "deploy/config/gateway.conf");
    assertThat(run("chat-server", "--help").out()).contains("Usage: presenter chat-server", "--config=FILE");
    assertThat(run("local", "--help").out()).contains("--chat-servers=N", "(default 3)", "--data-dir=DIR", "(default local-data)");
    assertThat(run("drain", "--help").out()).contains("--wait=DURATION", "(default 15m)", "Exit status:", "3", "could not be reached");
    assertThat(run("token", "--help").out()).contains("--ttl=DURATION", "24h)", "--user=U");
    assertThat(run("chat", "--help").out()).contains("--token=T", "--local=DATA_DIR");
  }

  @Test
  void usageErrorsNameTheCommandAndExit2() {
    Run badTtl = run("token", "--user", "u", "--couple", "c", "--ttl", "soon");
    assertThat(badTtl.status()).isEqualTo(2);
    assertThat(badTtl.err()).contains("presenter token: Invalid value for option '--ttl'", "bad duration 'soon'",
        "Try 'presenter token --help'");
    assertThat(run("token", "--couple", "c").err()).contains("presenter token: Missing required option: '--user=U'");
    assertThat(run("local", "--chat-servers", "0").err()).contains("presenter local: --chat-servers must be at least 1");
    assertThat(run("gateway", "--conf", "x").err()).contains("presenter gateway: Unknown options: '--conf'");
    Run unknown = run("launch");
    assertThat(unknown.status()).isEqualTo(2);
    assertThat(unknown.err()).contains("Unmatched argument at index 0: 'launch'");
  }

  @Test
  void theHarnessCommandsSayWhereTheyAre() {
    for (String command : new String[] {"loadtest", "bench"}) {
      Run r = run(command, "--couples", "10");
      assertThat(r.status()).isEqualTo(2);
      assertThat(r.err()).contains("presenter " + command + " is part of the load harness", "deploy/bin/presenter " + command);
    }
  }

  @Test
  void tokenPrintsAJwtTheKeyVerifies() throws Exception {
    TokenKeys keys = TokenKeys.generate("k1");
    Path keyFile = dir.resolve("keys.json");
    Files.writeString(keyFile, keys.toJson());
    Run r = run("token", "--user", "alice", "--couple", "demo", "--device", "phone", "--ttl", "90m", "--key-file", keyFile.toString());
    assertThat(r.status()).as(r.err()).isZero();
    VerifiedToken token = new TokenVerifier(keys).verify(r.out().strip());
    assertThat(token.userId()).isEqualTo("alice");
    assertThat(token.coupleId()).isEqualTo("demo");
    assertThat(token.deviceId()).isEqualTo("phone");
    assertThat(Duration.between(Instant.now(), token.expiresAt())).isBetween(Duration.ofMinutes(89), Duration.ofMinutes(91));
  }
}
