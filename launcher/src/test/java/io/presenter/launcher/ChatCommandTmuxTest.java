package io.presenter.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drives {@code presenter chat} as a real terminal program: two partners, each in a tmux session
 * (a real pty) running the launcher in its own JVM against an in-process local cluster. Skips
 * when tmux is not installed ({@code apt-get install -y tmux}; .ci/run installs it).
 */
class ChatCommandTmuxTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private final String socket = "presenter-test-" + ProcessHandle.current().pid();
  private boolean tmuxStarted;

  @TempDir Path dir;

  private static boolean tmuxAvailable() {
    try {
      return new ProcessBuilder("tmux", "-V").redirectErrorStream(true).start().waitFor() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  private String tmux(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("tmux", "-L", socket));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().putIfAbsent("TERM", "xterm");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("tmux %s: %s", List.of(args), out).isZero();
    return out;
  }

  private String pane(String session) throws Exception {
    return tmux("capture-pane", "-p", "-J", "-S", "-200", "-t", session);
  }

  /** Starts {@code presenter chat} for {@code user} in tmux session {@code user}. */
  private void startChat(LocalCluster cluster, String user) throws Exception {
    String token = cluster.token(user, "demo", Duration.ofHours(1));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    // A script, because the test class path is too long for a tmux command line.
    Path script = dir.resolve(user + ".sh");
    // When the client exits, the pane stays (cat waits on the terminal) so its output can be read.
    Files.writeString(script, String.join(" ",
        quote(java), "-cp", quote(System.getProperty("java.class.path")),
        "io.presenter.launcher.Presenter", "chat", "--local", quote(dir.toString()),
        "--token", token, "--device", user + "-cli", "2>>" + quote(dir.resolve(user + ".log").toString())) + "\n"
        + "echo \"presenter chat exited with status $?\"\ncat\n");
    tmux("new-session", "-d", "-s", user, "-x", "160", "-y", "50", "sh " + quote(script.toString()));
    tmuxStarted = true;
  }

  private static String quote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }

  @AfterEach
  void killTmux() throws Exception {
    if (tmuxStarted) {
      tmux("kill-server");
    }
  }

  /** Both terminals and both clients' stderr, for a failure message. */
  private String diagnostics() {
    StringBuilder b = new StringBuilder();
    for (String user : List.of("alice", "bob")) {
      try {
        b.append("\n--- ").append(user).append("'s terminal:\n").append(pane(user));
      } catch (Exception | AssertionError e) {
        b.append("\n--- ").append(user).append("'s terminal: ").append(e.getMessage());
      }
      try {
        b.append("\n--- ").append(user).append("'s stderr:\n").append(Files.readString(dir.resolve(user + ".log")));
      } catch (IOException e) {
        b.append("\n--- no stderr file for ").append(user);
      }
    }
    return b.toString();
  }

  @Test
  void aLineTypedByOnePartnerAppearsAtTheOther() throws Exception {
    assumeTrue(tmuxAvailable(), "tmux is not installed: skipping the terminal test (apt-get install -y tmux)");
    try {
      chat();
    } catch (AssertionError | RuntimeException e) {
      throw new AssertionError(e.getMessage() + diagnostics(), e);
    }
  }

  private void chat() throws Exception {
    try (LocalCluster cluster = new LocalCluster(dir, 2, 2, 0).start()) {
      cluster.writeDescription();
      cluster.gateways().forEach(g -> await().atMost(WAIT).until(g::isReady));
      startChat(cluster, "alice");
      startChat(cluster, "bob");
      await().atMost(WAIT).until(() -> pane("alice").contains("connected as alice") && pane("bob").contains("connected as bob"));

      tmux("send-keys", "-t", "alice", "hello bob, it is alice", "Enter");
      await().atMost(WAIT).until(() -> pane("bob").contains("[1] alice: hello bob, it is alice"));
      await().atMost(WAIT).until(() -> pane("alice").contains("[1] you: hello bob, it is alice (sent)"));
      assertThat(pane("bob")).contains("alice is typing...");
      await().atMost(WAIT).until(() -> pane("alice").contains("bob has read up to [1]"));

      tmux("send-keys", "-t", "bob", "hi alice", "Enter");
      await().atMost(WAIT).until(() -> pane("alice").contains("[2] bob: hi alice"));
      System.out.println("alice's terminal:\n" + pane("alice") + "\nbob's terminal:\n" + pane("bob"));
    }
  }
}
