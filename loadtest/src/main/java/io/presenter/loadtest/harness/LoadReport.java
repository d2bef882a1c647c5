package io.presenter.loadtest.harness;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/** Every figure of a finished run (one process or merged workers), the SLO verdict, and the text/JSON/HTML renderings. */
public final class LoadReport {
  /** Counters in the order the report lists them. */
  private static final List<String> COUNTS = List.of("sent", "acked", "sendFailed", "unresolved", "delivered", "lost",
      "lostDeliveries", "duplicated", "outOfOrder", "seqMismatch", "reconnects", "goAways", "dropped", "stormConnected", "handshakesFull", "handshakesResumed",
      "typingSent", "typingReceived", "receiptsSent", "receiptsReceived", "errors");

  private final Map<String, Object> figures = new LinkedHashMap<>();
  private final List<String> failures = new ArrayList<>();
  private final Map<String, Histogram> histograms;
  private final List<Map<String, Object>> series = new ArrayList<>();

  /**
   * @param workers one entry per worker process (its slice and process figures), empty when the
   *     run was in-process
   * @param lostWorkers why each lost worker was lost
   */
  LoadReport(LoadtestOptions o, Aggregate run, Totals t, Instant started, List<Map<String, Object>> workers, List<String> lostWorkers) {
    this.histograms = t.histograms();
    series.addAll(run.series());
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("gateways", o.gateways().stream().map(Gateway::address).toList());
    config.put("gatewayChoice", o.zookeeper() != null ? "published weights, every attempt"
        : o.weighted() ? "weighted" : "round-robin");
    config.put("couples", o.couples());
    config.put("connections", o.connections());
    config.put("ramp", o.ramp());
    config.put("ratePerCouple", o.rate());
    config.put("size", o.size().toString());
    config.put("durationSeconds", o.duration().toMillis() / 1000.0);
    config.put("graceSeconds", o.grace().toMillis() / 1000.0);
    config.put("threads", o.threads());
    config.put("workers", o.workers());
    config.put("sources", o.sources().stream().map(a -> a.getHostAddress()).toList());
    config.put("devicesPerUser", o.devicesPerUser());
    config.put("receiversPerMessage", o.receiversPerMessage());
    config.put("typingBurstsPerMinute", o.typingRate());
    config.put("readEvery", o.readEvery());
    config.put("reconnectStorm", o.storm() == null ? null
        : Map.of("percent", o.storm().percent(), "atSeconds", o.storm().at().toMillis() / 1000.0));
    config.put("tlsResumption", o.tlsResumption());
    config.put("idle", o.idle());
    config.put("gatewaysFromZooKeeper", o.zookeeper());
    config.put("maxP99Ms", o.maxP99() == null ? null : o.maxP99().toNanos() / 1e6);
    config.put("maxErrors", o.maxErrors() < 0 ? null : o.maxErrors());
    figures.put("config", config);
    figures.put("startedAt", started.toString());
    figures.put("elapsedSeconds", Duration.between(started, Instant.now()).toMillis() / 1000.0);
    figures.put("peakConnections", run.peakConnections());
    figures.put("connectionsAtEnd", t.connectionsAtEnd());
    figures.put("connectionsReached", run.peakConnections() + " of " + o.connections());
    for (String c : COUNTS) {
      figures.put(c, t.count(c));
    }
    figures.put("deliveriesExpected", t.count("acked") * o.receiversPerMessage());
    figures.put("errorsByKind", t.errors());
    figures.put("connectionsPerGateway", perGateway(o, t));
    figures.put("rates", rates());
    Map<String, Object> latency = new LinkedHashMap<>();
    Map<String, Object> distribution = new LinkedHashMap<>();
    histograms.forEach((name, h) -> {
      latency.put(name, Metrics.summary(h));
      distribution.put(name, Metrics.distribution(h));
    });
    figures.put("latencyMs", latency);
    figures.put("latencyDistribution", distribution);
    if (!workers.isEmpty()) {
      figures.put("workers", workers);
    }
    figures.put("timeSeries", series);

    failures.addAll(lostWorkers);
    if (t.count("lost") > 0) {
      failures.add(t.count("lost") + " acked messages never delivered to every receiving device (" + t.count("lostDeliveries")
          + " deliveries missing)");
    }
    if (t.count("duplicated") > 0) {
      failures.add(t.count("duplicated") + " messages delivered twice");
    }
    if (t.count("outOfOrder") > 0 || t.count("seqMismatch") > 0) {
      failures.add(t.count("outOfOrder") + " deliveries out of seq order, " + t.count("seqMismatch") + " with a seq other than the ack's");
    }
    Histogram delivery = t.histogram("delivery");
    if (o.maxP99() != null && delivery.getTotalCount() > 0 && delivery.getValueAtPercentile(99) * 1000 > o.maxP99().toNanos()) {
      failures.add("delivery p99 " + Metrics.percentileMs(delivery, 99) + " ms > --max-p99 " + o.maxP99().toNanos() / 1e6 + " ms");
    }
    if (o.maxErrors() >= 0 && t.count("errors") > o.maxErrors()) {
      failures.add(t.count("errors") + " errors > --max-errors " + o.maxErrors());
    }
    figures.put("failures", failures);
    figures.put("passed", failures.isEmpty());
  }

  /** Per gateway: its weight, the connections that chose it and those that authenticated through it. */
  private static Map<String, Object> perGateway(LoadtestOptions o, Totals t) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (Gateway g : o.gateways()) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("weight", g.weight());
      e.put("assigned", t.count(Metrics.gatewayCount(g, "assigned")));
      e.put("authenticated", t.count(Metrics.gatewayCount(g, "authenticated")));
      m.put(g.address(), e);
    }
    return m;
  }

  /** Messages per second, averaged over the seconds of the steady phase. */
  private Map<String, Object> rates() {
    Map<String, Object> r = new LinkedHashMap<>();
    List<Map<String, Object>> steady = series.stream().filter(p -> Sample.STEADY.equals(p.get("phase"))).toList();
    for (String c : List.of("sent", "acked", "delivered")) {
      double sum = steady.stream().mapToDouble(p -> ((Number) p.get(c)).doubleValue()).sum();
      r.put(c + "PerSecond", steady.isEmpty() ? 0.0 : Math.round(sum / steady.size() * 10) / 10.0);
    }
    r.put("steadySeconds", steady.size());
    return r;
  }

  public boolean passed() {
    return failures.isEmpty();
  }

  public List<String> failures() {
    return failures;
  }

  /** All figures, as written to report.json. */
  public Map<String, Object> figures() {
    return figures;
  }

  /** Writes {@code report.json} and {@code report.html} into {@code dir}. */
  public void write(Path dir) throws IOException {
    Files.createDirectories(dir);
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(dir.resolve("report.json").toFile(), figures);
    Files.writeString(dir.resolve("report.html"), HtmlReport.render(figures, histograms, series));
  }

  @SuppressWarnings("unchecked")
  public String summary() {
    StringBuilder s = new StringBuilder();
    Map<String, Object> c = (Map<String, Object>) figures.get("config");
    s.append(String.format("loadtest: %s couples (%s connections, %s worker(s)) via %s, %s msg/s per couple, %s bytes, %s s%n",
        c.get("couples"), c.get("connections"), c.get("workers"), c.get("gateways"), c.get("ratePerCouple"), c.get("size"),
        c.get("durationSeconds")));
    s.append(String.format("  connections  reached %s, reconnects %s (dropped by the storm %s, asked to move by a gateway %s), TLS handshakes full %s resumed %s%n",
        figures.get("connectionsReached"), figures.get("reconnects"), figures.get("dropped"), figures.get("goAways"), figures.get("handshakesFull"),
        figures.get("handshakesResumed")));
    s.append(String.format("  messages     sent %s, acked %s, delivered %s of %s (%s devices each), lost %s, duplicated %s, send failed %s%n",
        figures.get("sent"), figures.get("acked"), figures.get("delivered"), figures.get("deliveriesExpected"),
        c.get("receiversPerMessage"), figures.get("lost"), figures.get("duplicated"), figures.get("sendFailed")));
    s.append(String.format("  typing       sent %s, received %s; read receipts sent %s, received %s%n", figures.get("typingSent"),
        figures.get("typingReceived"), figures.get("receiptsSent"), figures.get("receiptsReceived")));
    s.append(String.format("  rates        %s%n", figures.get("rates")));
    s.append(String.format("  gateways     %s (%s)%n", figures.get("connectionsPerGateway"), c.get("gatewayChoice")));
    Map<String, Object> lat = (Map<String, Object>) figures.get("latencyMs");
    for (var e : lat.entrySet()) {
      Map<String, Object> l = (Map<String, Object>) e.getValue();
      s.append(String.format("  %-12s n %s  p50 %s  p99 %s  p999 %s  max %s ms%n", e.getKey(), l.get("count"), l.get("p50"),
          l.get("p99"), l.get("p999"), l.get("max")));
    }
    s.append(String.format("  errors       %s %s%n", figures.get("errors"), figures.get("errorsByKind")));
    if (figures.containsKey("workers")) {
      for (Map<String, Object> w : (List<Map<String, Object>>) figures.get("workers")) {
        s.append(String.format("  process %-4s couples %s, peak connections %s, RSS %s MB (peak %s), heap %s MB, CPU %s s%s%n",
            w.get("worker"), w.get("couples"), w.getOrDefault("peakConnections", figures.get("peakConnections")), w.get("rssMb"),
            w.get("peakRssMb"), w.get("heapUsedMb"), w.get("cpuSeconds"), w.containsKey("log") ? ", log " + w.get("log") : ""));
      }
    }
    s.append(failures.isEmpty() ? "  PASSED\n" : "  FAILED: " + String.join("; ", failures) + "\n");
    return s.toString();
  }
}
