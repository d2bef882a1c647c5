package io.presenter.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.presenter.loadtest.harness.Gateway;
import io.presenter.loadtest.harness.LoadReport;
import io.presenter.loadtest.harness.Loadtest;
import io.presenter.loadtest.harness.LoadtestOptions;
import io.presenter.loadtest.harness.SizeDistribution;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** {@code presenter loadtest}: simulated couples through the SDK, with a report and SLO checks. */
final class LoadtestCommand {
  static final String USAGE =
      """
      usage: presenter loadtest (--local DATA_DIR | --gateways H:P[=W],... --ca CA.pem --key-file KEYS.json)
               [--gateway-weights W,... | --zookeeper CONNECT] [--couples C] [--devices-per-user D] [--ramp R] [--rate M]
               [--size BYTES|LOW-HIGH] [--typing-rate B] [--read-every N] [--duration S] [--grace S]
               [--reconnect-storm PCT@SECONDS] [--tls-resumption on|off] [--idle]
               [--workers N] [--threads T] [--sources LIST|RANGE]
               [--out DIR] [--max-p99 DURATION] [--max-errors N]
        Simulates C couples (default 100) of two users with D devices each (default 1): 2*C*D
        TLS connections through the Java SDK, opened at R connections/s (default 500).
      Gateways: --local reads the gateways, CA and token key from DATA_DIR/local.json (written by
        presenter local). Each connection takes the gateways in turn like DNS round-robin, or,
        with weights (H:P=W in --gateways, or --gateway-weights with one weight per gateway), one
        at random by weight like weighted DNS; a client reconnects to the gateway it chose.
        --zookeeper HOST:PORT instead picks by the weights the gateways themselves publish
        (/presenter/gateways, read every second) on every attempt, reconnects included, as
        weighted DNS would: a draining gateway (weight 0) gets no new connection. With --local
        the ZooKeeper of local.json is used when --zookeeper is given as "local".
      Traffic: once all of a couple's devices are authenticated, user a's first device sends M
        messages/s (default 1; open loop: latency counts from the intended send time) of BYTES
        (default 200; LOW-HIGH uniform; at least 16) until S seconds (default 30) after the ramp.
        B typing bursts per minute per couple (default 4): typing on, 1-3 sends, typing off.
        b's first device sends a read receipt every N messages it receives (default 5; 0 = none).
        Every acked message must reach each of b's devices and a's other devices (the server's
        fan-out) exactly once, in seq order. After the last send it waits for outstanding acks
        and deliveries until none came for --grace seconds (default 10; at most 5 minutes in
        all); what is acked but undelivered then is lost.
      Scenarios: --reconnect-storm 10@30 drops 10 % of the connected clients at once, 30 s after
        the start (a TCP reset, no goodbye), and lets the SDK reconnect and resend. Reconnects
        resume their TLS session (each client keeps its own) unless --tls-resumption off. --idle
        connects and authenticates only, holds the connections quietly for S seconds (e.g. to
        measure memory) and reports the connections reached.
      Scale: N worker processes hold the connections (default: enough for at most 18,000 each;
        one process may open at most 20,000 files); each is a child JVM with a contiguous slice
        of the couples, their figures are merged into one report, worker i logs to
        DIR/worker-i.log, and a worker that dies or goes silent fails the run (worker-lost).
        --workers 1 runs in this process. T event loop threads per process (default 2).
        --sources (127.0.0.1-127.0.0.8 or 127.0.0.1,127.0.0.2): local addresses connections bind
        in turn (default: the OS chooses). One address has about 28,000 ephemeral ports, and a
        gateway admits 1,000 connections per client IP by default (limits.max-connections-per-ip,
        e.g. CONFIG_FORCE_presenter_gateway_limits_max__connections__per__ip=50000): raise it
        for big runs.
      Report: measures TLS handshakes (full and resumed), connect-to-AuthOk, reconnect time,
        send-to-ack and end-to-end delivery latency (HdrHistogram) and counts errors by kind.
        Prints progress and a summary, writes DIR/report.json and DIR/report.html (default DIR:
        loadtest-report). Exits 1 if anything was lost, duplicated or out of order, a worker was
        lost, the delivery p99 exceeds --max-p99 (e.g. 50ms, 1s) or the errors --max-errors.
      """;

  static final Set<String> OPTIONS = Set.of("local", "gateways", "ca", "key-file", "couples", "ramp", "rate", "size", "duration",
      "grace", "threads", "out", "max-p99", "max-errors", "workers", "sources", "gateway-weights", "devices-per-user", "typing-rate",
      "read-every", "reconnect-storm", "tls-resumption", "zookeeper");
  static final Set<String> FLAGS = Set.of("idle");

  private LoadtestCommand() {}

  static void run(String[] argv) throws Exception {
    Args args = new Args(argv, 0, OPTIONS, FLAGS);
    if (args.help()) {
      System.out.print(USAGE);
      return;
    }
    LoadtestOptions options = options(args);
    LoadReport report = new Loadtest(options, System.out).run();
    report.write(options.out());
    System.out.print(report.summary());
    System.out.println("report: " + options.out().resolve("report.json") + ", " + options.out().resolve("report.html"));
    if (!report.passed()) {
      System.exit(1);
    }
  }

  static LoadtestOptions options(Args args) throws Exception {
    List<Gateway> gateways = new ArrayList<>();
    boolean weighted = false;
    Path ca;
    Path key;
    String localZooKeeper = null;
    String local = args.get("local", null);
    if (local != null) {
      if (args.get("gateways", null) != null || args.get("ca", null) != null || args.get("key-file", null) != null) {
        throw new Args.UsageException("--local excludes --gateways, --ca and --key-file");
      }
      JsonNode d = new ObjectMapper().readTree(Path.of(local).resolve("local.json").toFile());
      for (JsonNode g : d.path("gateways")) {
        gateways.add(gateway(g.path("address").asText()));
      }
      ca = Path.of(d.path("ca").asText());
      key = Path.of(d.path("tokenKey").asText());
      localZooKeeper = d.path("zookeeper").asText(null);
    } else {
      for (String g : args.require("gateways").split(",")) {
        if (!g.isBlank()) {
          gateways.add(gateway(g.trim()));
          weighted |= Gateway.hasWeight(g);
        }
      }
      ca = Path.of(args.require("ca"));
      key = Path.of(args.require("key-file"));
    }
    if (gateways.isEmpty()) {
      throw new Args.UsageException("no gateways");
    }
    String weights = args.get("gateway-weights", null);
    if (weights != null) {
      if (weighted) {
        throw new Args.UsageException("give weights either in --gateways (HOST:PORT=WEIGHT) or with --gateway-weights");
      }
      String[] w = weights.split(",");
      if (w.length != gateways.size()) {
        throw new Args.UsageException("--gateway-weights needs one weight per gateway (" + gateways.size() + "), not " + weights);
      }
      for (int i = 0; i < w.length; i++) {
        gateways.set(i, gateways.get(i).withWeight(number("gateway-weights", w[i])));
      }
      weighted = true;
    }
    String zookeeper = args.get("zookeeper", null);
    if (zookeeper != null && weighted) {
      throw new Args.UsageException("--zookeeper takes the gateways' published weights: give no weights of your own");
    }
    if ("local".equals(zookeeper)) {
      zookeeper = localZooKeeper;
      if (zookeeper == null) {
        throw new Args.UsageException("--zookeeper local needs --local DATA_DIR");
      }
    }
    String maxP99 = args.get("max-p99", null);
    String sources = args.get("sources", null);
    String storm = args.get("reconnect-storm", null);
    String resumption = args.get("tls-resumption", "on");
    if (!resumption.equals("on") && !resumption.equals("off")) {
      throw new Args.UsageException("--tls-resumption is on or off, not " + resumption);
    }
    try {
      return LoadtestOptions.builder(gateways, ca, key)
          .weighted(weighted)
          .couples(args.getInt("couples", 100))
          .ramp(number(args, "ramp", 500))
          .rate(number(args, "rate", 1))
          .size(SizeDistribution.parse(args.get("size", "200")))
          .duration(Args.duration(args.get("duration", "30")))
          .grace(Args.duration(args.get("grace", "10")))
          .out(Path.of(args.get("out", "loadtest-report")))
          .maxP99(maxP99 == null ? null : Args.duration(maxP99))
          .maxErrors(args.getInt("max-errors", -1))
          .threads(args.getInt("threads", 2))
          .workers(args.getInt("workers", 0))
          .sources(sources == null ? List.of() : Args.addresses("sources", sources))
          .devicesPerUser(args.getInt("devices-per-user", 1))
          .typingRate(number(args, "typing-rate", 4))
          .readEvery(args.getInt("read-every", 5))
          .storm(storm == null ? null : LoadtestOptions.Storm.parse(storm))
          .tlsResumption(resumption.equals("on"))
          .idle(args.flag("idle"))
          .zookeeper(zookeeper)
          .build();
    } catch (IllegalArgumentException e) {
      throw new Args.UsageException(e.getMessage());
    }
  }

  private static double number(Args args, String name, double fallback) {
    String v = args.get(name, null);
    return v == null ? fallback : number(name, v);
  }

  private static double number(String name, String v) {
    try {
      return Double.parseDouble(v.trim());
    } catch (NumberFormatException e) {
      throw new Args.UsageException("--" + name + " must be a number, not " + v);
    }
  }

  private static Gateway gateway(String spec) {
    try {
      return Gateway.parse(spec);
    } catch (IllegalArgumentException e) {
      throw new Args.UsageException(e.getMessage());
    }
  }
}
