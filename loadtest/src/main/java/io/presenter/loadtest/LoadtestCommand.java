package io.presenter.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.presenter.cli.AddressList;
import io.presenter.cli.Cli;
import io.presenter.loadtest.harness.Gateway;
import io.presenter.loadtest.harness.LoadReport;
import io.presenter.loadtest.harness.Loadtest;
import io.presenter.loadtest.harness.LoadtestOptions;
import io.presenter.loadtest.harness.SizeDistribution;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code presenter loadtest}: simulated couples through the SDK, with a report and SLO checks.
 * Every option is declared here once; {@link #options()} resolves them into the {@link
 * LoadtestOptions} the harness (and each worker process) runs.
 */
@Command(name = "loadtest", sortOptions = false, description = {
    "simulated couples through gateways: latency, loss/duplicate checks, JSON and HTML report",
    "",
    "Simulates C couples of two users with D devices each: 2*C*D TLS connections through the Java SDK, opened at R"
        + " connections/s.",
    "Gateways: --local reads the gateways, CA and token key from DATA_DIR/local.json (written by presenter local),"
        + " or give --gateways, --ca and --key-file. Each connection takes the gateways in turn like DNS round-robin,"
        + " or, with weights (H:P=W in --gateways, or --gateway-weights), one at random by weight like weighted DNS;"
        + " a client reconnects to the gateway it chose. --zookeeper instead picks by the weights the gateways"
        + " themselves publish (/presenter/gateways, read every second) on every attempt, reconnects included: a"
        + " draining gateway (weight 0) gets no new connection.",
    "Traffic: once all of a couple's devices are authenticated, user a's first device sends M messages/s (open loop:"
        + " latency counts from the intended send time) until S after the ramp, with B typing bursts per minute"
        + " (typing on, 1-3 sends, typing off); b's first device sends a read receipt every N messages. Every acked"
        + " message must reach each of b's devices and a's other devices exactly once, in seq order. After the last"
        + " send it waits for acks and deliveries until none came for --grace (at most 5 minutes in all); what is"
        + " acked but undelivered then is lost.",
    "Scale: worker processes (child JVMs) hold the connections, each a contiguous slice of the couples, merged into"
        + " one report; worker i logs to DIR/worker-i.log, and a worker that dies or goes silent fails the run"
        + " (worker-lost). One address has about 28,000 ephemeral ports, and a gateway admits 1,000 connections per"
        + " client IP by default (limits.max-connections-per-ip, e.g."
        + " CONFIG_FORCE_presenter_gateway_limits_max__connections__per__ip=50000): use --sources and raise it for"
        + " big runs.",
    "Report: TLS handshakes (full and resumed), connect-to-AuthOk, reconnect time, send-to-ack and end-to-end"
        + " delivery latency (HdrHistogram), errors by kind; progress and a summary on the console, DIR/report.json"
        + " and DIR/report.html. Exits 1 if anything was lost, duplicated or out of order, a worker was lost, or an"
        + " SLO (--max-p99, --max-errors) failed.",
    ""})
public final class LoadtestCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--local", paramLabel = "DATA_DIR", description = "the gateways, CA and token key of a local cluster")
  Path local;

  @Option(names = "--gateways", paramLabel = "H:P[=W]", split = ",", description = "gateways, comma-separated, each with an"
      + " optional weight")
  List<String> gateways = new ArrayList<>();

  @Option(names = "--ca", paramLabel = "CA.pem", description = "the CA certificate to trust (with --gateways)")
  Path ca;

  @Option(names = "--key-file", paramLabel = "KEYS.json", description = "the token key file (with --gateways)")
  Path keyFile;

  @Option(names = "--gateway-weights", paramLabel = "W", split = ",", description = "one weight per gateway, in order")
  List<Double> gatewayWeights = new ArrayList<>();

  @Option(names = "--zookeeper", paramLabel = "CONNECT", description = "pick gateways by the weights they publish in this"
      + " ZooKeeper; \"local\" with --local: the local cluster's")
  String zookeeper;

  @Option(names = "--couples", paramLabel = "C", defaultValue = "100", description = "couples (default ${DEFAULT-VALUE})")
  int couples;

  @Option(names = "--devices-per-user", paramLabel = "D", defaultValue = "1",
      description = "devices (connections) per user (default ${DEFAULT-VALUE}, at most " + LoadtestOptions.MAX_DEVICES + ")")
  int devicesPerUser;

  @Option(names = "--ramp", paramLabel = "R", defaultValue = "500",
      description = "new connections per second, for the whole run (default ${DEFAULT-VALUE})")
  double ramp;

  @Option(names = "--rate", paramLabel = "M", defaultValue = "1", description = "messages per second per couple (default ${DEFAULT-VALUE})")
  double rate;

  @Option(names = "--size", paramLabel = "BYTES|LOW-HIGH", defaultValue = "200",
      description = "message body size, or uniform in a range; at least " + SizeDistribution.HEADER_BYTES + " (default ${DEFAULT-VALUE})")
  SizeDistribution size;

  @Option(names = "--typing-rate", paramLabel = "B", defaultValue = "4",
      description = "typing bursts per minute per couple (default ${DEFAULT-VALUE})")
  double typingRate;

  @Option(names = "--read-every", paramLabel = "N", defaultValue = "5",
      description = "a read receipt every N messages received (default ${DEFAULT-VALUE}; 0 = none)")
  int readEvery;

  @Option(names = "--duration", paramLabel = "S", defaultValue = "30",
      description = "how long couples send after the ramp, e.g. 90s, 10m; a bare number is seconds (default ${DEFAULT-VALUE})")
  Duration duration;

  @Option(names = "--grace", paramLabel = "S", defaultValue = "10",
      description = "after the last send, wait this long for the next ack or delivery (default ${DEFAULT-VALUE})")
  Duration grace;

  @Option(names = "--reconnect-storm", paramLabel = "PCT@SECONDS",
      description = "drop PCT %% of the connected clients at once (a TCP reset), SECONDS after the start, and let them reconnect")
  LoadtestOptions.Storm storm;

  @Option(names = "--tls-resumption", paramLabel = "on|off", defaultValue = "on",
      description = "whether reconnects resume their TLS session (default ${DEFAULT-VALUE})")
  Toggle tlsResumption;

  @Option(names = "--idle", description = "connect and authenticate only, hold the connections quietly for the duration"
      + " (e.g. to measure memory) and report the connections reached")
  boolean idle;

  @Option(names = "--workers", paramLabel = "N", description = "worker processes (default: enough for at most "
      + LoadtestOptions.CONNECTIONS_PER_WORKER + " connections each; one process may open at most 20,000 files);"
      + " 1 runs in this process")
  Integer workers;

  @Option(names = "--threads", paramLabel = "T", defaultValue = "2",
      description = "event loop threads per process (default ${DEFAULT-VALUE})")
  int threads;

  @Option(names = "--sources", paramLabel = "LIST|RANGE", description = "local addresses connections bind in turn, e.g."
      + " 127.0.0.1-127.0.0.8 or 127.0.0.1,127.0.0.2 (default: the OS chooses)")
  AddressList sources;

  @Option(names = "--out", paramLabel = "DIR", defaultValue = "loadtest-report",
      description = "where report.json, report.html and the worker logs go (default ${DEFAULT-VALUE})")
  Path out;

  @Option(names = "--max-p99", paramLabel = "DURATION", description = "SLO: the end-to-end delivery p99, e.g. 50ms, 1s")
  Duration maxP99;

  @Option(names = "--max-errors", paramLabel = "N", defaultValue = "-1", description = "SLO: at most N errors (default: none)")
  long maxErrors;

  /** {@code --tls-resumption} values, as typed. */
  enum Toggle {
    on, off
  }

  /** The options of {@code presenter loadtest ARGS}, resolved as a run would have them. */
  public static LoadtestOptions options(String... args) {
    LoadtestCommand command = new LoadtestCommand();
    LoadtestMain.commandLine(command).parseArgs(args);
    return command.options();
  }

  @Override
  public Integer call() throws Exception {
    LoadtestOptions options = options();
    LoadReport report = new Loadtest(options, System.out).run();
    report.write(options.out());
    System.out.print(report.summary());
    System.out.println("report: " + options.out().resolve("report.json") + ", " + options.out().resolve("report.html"));
    return report.passed() ? 0 : 1;
  }

  LoadtestOptions options() {
    List<Gateway> resolved = new ArrayList<>();
    boolean weighted = false;
    Path caFile = ca;
    Path keys = keyFile;
    String localZooKeeper = null;
    if (local != null) {
      if (!gateways.isEmpty() || ca != null || keyFile != null) {
        throw Cli.usageError(spec, "--local excludes --gateways, --ca and --key-file");
      }
      JsonNode d = readLocal(local.resolve("local.json"));
      for (JsonNode g : d.path("gateways")) {
        resolved.add(valid(() -> Gateway.parse(g.path("address").asText())));
      }
      caFile = Path.of(d.path("ca").asText());
      keys = Path.of(d.path("tokenKey").asText());
      localZooKeeper = d.path("zookeeper").asText(null);
    } else {
      if (gateways.isEmpty() || ca == null || keyFile == null) {
        throw Cli.usageError(spec, "give --local DATA_DIR, or --gateways, --ca and --key-file");
      }
      for (String g : gateways) {
        if (!g.isBlank()) {
          resolved.add(valid(() -> Gateway.parse(g)));
          weighted |= Gateway.hasWeight(g);
        }
      }
    }
    if (resolved.isEmpty()) {
      throw Cli.usageError(spec, "no gateways");
    }
    if (!gatewayWeights.isEmpty()) {
      if (weighted) {
        throw Cli.usageError(spec, "give weights either in --gateways (HOST:PORT=WEIGHT) or with --gateway-weights");
      }
      if (gatewayWeights.size() != resolved.size()) {
        throw Cli.usageError(spec, "--gateway-weights needs one weight per gateway (" + resolved.size() + "), not "
            + gatewayWeights.size());
      }
      for (int i = 0; i < resolved.size(); i++) {
        Gateway g = resolved.get(i);
        double weight = gatewayWeights.get(i);
        resolved.set(i, valid(() -> g.withWeight(weight)));
      }
      weighted = true;
    }
    String connect = zookeeper;
    if (connect != null && weighted) {
      throw Cli.usageError(spec, "--zookeeper takes the gateways' published weights: give no weights of your own");
    }
    if ("local".equals(connect)) {
      connect = localZooKeeper;
      if (connect == null) {
        throw Cli.usageError(spec, "--zookeeper local needs --local DATA_DIR");
      }
    }
    boolean byWeight = weighted;
    Path trusted = caFile;
    Path tokenKeys = keys;
    String zooKeeper = connect;
    int workerCount = workers != null ? workers : LoadtestOptions.defaultWorkers(couples, devicesPerUser);
    return valid(() -> new LoadtestOptions(resolved, byWeight, trusted, tokenKeys, couples, ramp, rate, size, duration, grace,
        out, maxP99, maxErrors, threads, workerCount, sources == null ? List.of() : sources.addresses(), devicesPerUser,
        typingRate, readEvery, storm, tlsResumption == Toggle.on, idle, zooKeeper));
  }

  private JsonNode readLocal(Path file) {
    try {
      return new ObjectMapper().readTree(file.toFile());
    } catch (IOException e) {
      throw Cli.usageError(spec, "cannot read " + file + ": " + e.getMessage());
    }
  }

  /** A value whose constructor checks it: its complaint is a usage error. */
  private <T> T valid(Supplier<T> make) {
    try {
      return make.get();
    } catch (IllegalArgumentException e) {
      throw Cli.usageError(spec, e.getMessage());
    }
  }
}
