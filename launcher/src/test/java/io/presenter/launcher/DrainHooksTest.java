package io.presenter.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.presenter.gateway.TlsTestClient;
import io.presenter.gateway.server.GatewayServer;
import io.presenter.protocol.client.thrift.ClientFrame;
import io.presenter.protocol.client.thrift.GoAwayReason;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scale-in hooks against a real gateway: {@code presenter drain} (what the Kubernetes preStop
 * hook runs) and the AWS Auto Scaling lifecycle-hook script (deploy/aws/lifecycle-hook.sh), run
 * as a real shell script with the instance metadata service played by a loopback HTTP server and
 * the {@code aws} CLI by a script that records its arguments. That proves the script's sequence
 * (wait for Terminated, drain, heartbeat, complete with CONTINUE), not AWS itself.
 */
class DrainHooksTest {
  @TempDir Path dir;
  private LocalCluster cluster;
  private GatewayServer gateway;
  private TlsTestClient phones;

  @BeforeEach
  void start() throws Exception {
    cluster = new LocalCluster(dir.resolve("cluster"), 1, 1, 0)
        .gatewaySettings(Map.of(
            "presenter.gateway.drain.window", "300ms",
            "presenter.gateway.drain.quiet-period", "2500ms",
            "presenter.gateway.drain.deadline", "30s"))
        .start();
    gateway = cluster.gateways().get(0);
    await().atMost(Duration.ofSeconds(30)).until(gateway::isReady);
    phones = new TlsTestClient(cluster.caFile().toFile());
  }

  @AfterEach
  void stop() {
    phones.close();
    cluster.close();
  }

  private TlsTestClient.Conn login(String user) throws Exception {
    return phones.login(gateway.port(), cluster.token(user, "drain-hooks", Duration.ofHours(1)), user + "-phone");
  }

  private URI drainEndpoint() {
    return URI.create("http://127.0.0.1:" + gateway.adminPort() + "/drain");
  }

  @Test
  void drainCommandStartsTheDrainAndReturnsOnceTheGatewayIsDrained() throws Exception {
    TlsTestClient.Conn alice = login("alice");
    ByteArrayOutputStream printed = new ByteArrayOutputStream();

    DrainCommand.Outcome outcome = DrainCommand.drain(drainEndpoint(), Duration.ofSeconds(30), Duration.ofMillis(200),
        new PrintStream(printed, true, StandardCharsets.UTF_8));

    assertThat(outcome).isEqualTo(DrainCommand.Outcome.DRAINED);
    assertThat(alice.next(ClientFrame::isSetGoAway).getGoAway().getReason()).isEqualTo(GoAwayReason.DRAINING);
    assertThat(gateway.metrics().connections().get()).isZero();
    assertThat(gateway.isReady()).isFalse();
    assertThat(printed.toString(StandardCharsets.UTF_8)).contains("drain started", "\"drained\":true", "\"goaways\":1");
  }

  @Test
  void drainCommandSaysWhenTheGatewayCannotBeReached() throws Exception {
    URI nobody = URI.create("http://127.0.0.1:1/drain");
    DrainCommand.Outcome outcome = DrainCommand.drain(nobody, Duration.ofSeconds(5), Duration.ofMillis(100),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    assertThat(outcome).isEqualTo(DrainCommand.Outcome.UNREACHABLE);
    assertThat(outcome.exitStatus).isEqualTo(3);
  }

  @Test
  void awsLifecycleHookWaitsForTerminationDrainsThenCompletesTheAction() throws Exception {
    TlsTestClient.Conn alice = login("alice");
    AtomicBoolean terminating = new AtomicBoolean();
    AtomicInteger stateReads = new AtomicInteger();
    HttpServer imds = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    imds.createContext("/latest/api/token", x -> reply(x, "PUT".equals(x.getRequestMethod()) ? 200 : 405, "test-token"));
    imds.createContext("/latest/meta-data/instance-id", x -> reply(x, tokenOk(x), "i-0abc123"));
    imds.createContext("/latest/meta-data/autoscaling/target-lifecycle-state", x -> {
      stateReads.incrementAndGet();
      reply(x, tokenOk(x), terminating.get() ? "Terminated" : "InService");
    });
    imds.start();
    Path awsLog = dir.resolve("aws.log");
    Path aws = executable("aws", "#!/bin/sh\necho \"$*\" >> '" + awsLog + "'\n");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path presenter = executable("presenter", "#!/bin/sh\nexec '" + java + "' -cp '" + System.getProperty("java.class.path")
        + "' io.presenter.launcher.Presenter \"$@\"\n");
    Path script = deployDir().resolve("aws/lifecycle-hook.sh");
    ProcessBuilder pb = new ProcessBuilder("sh", script.toString()).redirectErrorStream(true)
        .redirectOutput(dir.resolve("hook.out").toFile());
    Map<String, String> env = pb.environment();
    env.put("PRESENTER_ASG_NAME", "presenter-gateways");
    env.put("PRESENTER_ADMIN", "127.0.0.1:" + gateway.adminPort());
    env.put("PRESENTER_BIN", presenter.toString());
    env.put("AWS_CLI", aws.toString());
    env.put("IMDS_ENDPOINT", "http://127.0.0.1:" + imds.getAddress().getPort());
    env.put("PRESENTER_POLL", "0.2");
    env.put("PRESENTER_HEARTBEAT", "1");
    env.put("PRESENTER_DRAIN_WAIT", "60s");
    Process hook = pb.start();
    try {
      // In service: the script only watches.
      await().atMost(Duration.ofSeconds(20)).until(() -> stateReads.get() >= 5);
      assertThat(gateway.metrics().connections().get()).isEqualTo(1);
      assertThat(hook.isAlive()).isTrue();
      assertThat(awsLog).doesNotExist();

      terminating.set(true);
      assertThat(alice.next(ClientFrame::isSetGoAway).getGoAway().getReason()).isEqualTo(GoAwayReason.DRAINING);
      assertThat(hook.waitFor(60, TimeUnit.SECONDS)).as("hook output: %s", output()).isTrue();
      assertThat(hook.exitValue()).as("hook output: %s", output()).isZero();
      String calls = Files.readString(awsLog);
      assertThat(calls).contains("autoscaling record-lifecycle-action-heartbeat --auto-scaling-group-name presenter-gateways"
          + " --lifecycle-hook-name presenter-drain --instance-id i-0abc123");
      assertThat(calls.strip().lines().reduce((a, b) -> b).orElseThrow()).isEqualTo(
          "autoscaling complete-lifecycle-action --auto-scaling-group-name presenter-gateways"
              + " --lifecycle-hook-name presenter-drain --instance-id i-0abc123 --lifecycle-action-result CONTINUE");
      assertThat(gateway.metrics().connections().get()).isZero();
      assertThat(output()).contains("drained");
    } finally {
      hook.descendants().forEach(ProcessHandle::destroyForcibly);
      hook.destroyForcibly();
      imds.stop(0);
    }
  }

  private String output() throws IOException {
    Path out = dir.resolve("hook.out");
    return Files.exists(out) ? Files.readString(out) : "";
  }

  private static int tokenOk(HttpExchange x) {
    return "test-token".equals(x.getRequestHeaders().getFirst("X-aws-ec2-metadata-token")) ? 200 : 401;
  }

  private static void reply(HttpExchange x, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    x.sendResponseHeaders(status, bytes.length);
    x.getResponseBody().write(bytes);
    x.close();
  }

  private Path executable(String name, String text) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, text);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    return file;
  }

  private static Path deployDir() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve("deploy/aws"))) {
        return p.resolve("deploy");
      }
    }
    throw new IllegalStateException("no deploy/aws above " + Path.of("").toAbsolutePath());
  }
}
