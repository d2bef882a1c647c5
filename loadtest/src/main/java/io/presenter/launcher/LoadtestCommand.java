package io.presenter.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.presenter.loadtest.harness.Gateway;
import io.presenter.loadtest.harness.LoadReport;
import io.presenter.loadtest.harness.Loadtest;
import io.presenter.loadtest.harness.LoadtestOptions;
import io.presenter.loadtest.harness.SizeDistribution;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code presenter loadtest}: simulated couples through the SDK, with a report and SLO checks. */
final class LoadtestCommand {
  static final String USAGE =
      """
      usage: presenter loadtest (--local DATA_DIR | --gateways H:P[=W],H:P[=W] --ca CA.pem --key-file KEYS.json)
                                [--gateway-weights W,W]
                                [--couples C] [--ramp R] [--rate M] [--size BYTES|LOW-HIGH] [--duration S]
                                [--grace S] [--threads T] [--workers N] [--sources LIST|RANGE] [--out DIR] [--max-p99 DURATION] [--max-errors N]
        Simulates C couples (default 100; 2C TLS connections through the Java SDK) connecting at R connections/s (default 500), each gateway of the list
        in turn like DNS round-robin, or, with weights (H:P=W in --gateways, or --gateway-weights
        with one weight per gateway, e.g. for --local), at random by weight like weighted DNS; a
        client reconnects to the gateway it chose. The report counts connections per gateway. --local reads the gateways, CA and token key from
        DATA_DIR/local.json (written by presenter local). In every couple user a sends M
        messages/s (default 1; open loop: latency counts from the intended send time) of BYTES
        (default 200; LOW-HIGH picks uniformly; at least 16) from when both partners are
        authenticated until S seconds (default 30) after the ramp; user b receives. After the last
        send it waits for outstanding acks and deliveries until none came for --grace seconds
        (default 10; at most 5 minutes in all); what is acked but undelivered then is lost.
        Measures connect-to-AuthOk, send-to-ack and end-to-end delivery latency (HdrHistogram),
        and checks every acked message reaches the partner exactly once and in seq order.
        Prints progress and a summary, writes DIR/report.json and DIR/report.html (default
        DIR: loadtest-report). Exits 1 if anything was lost, duplicated or out of order, or if
        the delivery p99 exceeds --max-p99 (e.g. 50ms, 1s) or the errors exceed --max-errors.
        T client event loop threads per process (default 2). N worker processes hold the
        connections (default: enough for at most 18,000 each; one process may open at most
        20,000 files); each is a child JVM with a contiguous slice of the couples, and their
        figures are merged into one report. --workers 1 runs in this process. Worker N's log is
        DIR/worker-N.log; a worker that dies or goes silent fails the run (worker-lost).
        --sources (e.g. 127.0.0.1-127.0.0.8 or 127.0.0.1,127.0.0.2): local addresses the
        connections bind in turn (default: the OS chooses). One address has about 28,000
        ephemeral ports, and a gateway admits 1,000 connections per client IP by default
        (limits.max-connections-per-ip): raise that on the gateways for big runs.
      """;

  private LoadtestCommand() {}

  static void run(String[] argv) throws Exception {
    Args args = new Args(argv, 0, Set.of("local", "gateways", "ca", "key-file", "couples", "ramp", "rate", "size", "duration",
        "grace", "threads", "out", "max-p99", "max-errors", "workers", "sources",
        "gateway-weights"));
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
    String maxP99 = args.get("max-p99", null);
    String sources = args.get("sources", null);
    try {
      return LoadtestOptions.builder(gateways, ca, key)
          .weighted(weighted)
          .couples(args.getInt("couples", 100))
          .ramp(number(args, "ramp", 500))
          .rate(number(args, "rate", 1))
          .size(SizeDistribution.parse(args.get("size", "200")))
          .duration(duration(args.get("duration", "30")))
          .grace(duration(args.get("grace", "10")))
          .out(Path.of(args.get("out", "loadtest-report")))
          .maxP99(maxP99 == null ? null : duration(maxP99))
          .maxErrors(args.getInt("max-errors", -1))
          .threads(args.getInt("threads", 2))
          .workers(args.getInt("workers", 0))
          .sources(sources == null ? List.of() : Args.addresses("sources", sources))
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

  private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)?");

  /** {@code 50ms}, {@code 1.5s}, {@code 2m}, {@code 1h}; a bare number is seconds. */
  static Duration duration(String s) {
    Matcher m = DURATION.matcher(s.trim());
    if (!m.matches()) {
      throw new Args.UsageException("bad duration " + s + " (e.g. 50ms, 10s, 2m)");
    }
    double v = Double.parseDouble(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2);
    double millis = switch (unit) {
      case "ms" -> v;
      case "m" -> v * 60_000;
      case "h" -> v * 3_600_000;
      default -> v * 1000;
    };
    return Duration.ofNanos((long) (millis * 1_000_000));
  }

  private static Gateway gateway(String spec) {
    try {
      return Gateway.parse(spec);
    } catch (IllegalArgumentException e) {
      throw new Args.UsageException(e.getMessage());
    }
  }
}
