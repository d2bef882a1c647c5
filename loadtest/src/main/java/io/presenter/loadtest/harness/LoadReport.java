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

/** Every figure of a finished run, the SLO verdict, and the text/JSON/HTML renderings. */
public final class LoadReport {
  private final Map<String, Object> figures = new LinkedHashMap<>();
  private final List<String> failures = new ArrayList<>();
  private final Metrics metrics;

  LoadReport(LoadtestOptions o, Metrics m, Instant started, long lost, long unresolved) {
    this.metrics = m;
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("gateways", o.gateways().stream().map(g -> g.getHostString() + ":" + g.getPort()).toList());
    config.put("couples", o.couples());
    config.put("connections", 2 * o.couples());
    config.put("ramp", o.ramp());
    config.put("ratePerCouple", o.rate());
    config.put("size", o.size().toString());
    config.put("durationSeconds", o.duration().toMillis() / 1000.0);
    config.put("graceSeconds", o.grace().toMillis() / 1000.0);
    config.put("threads", o.threads());
    config.put("maxP99Ms", o.maxP99() == null ? null : o.maxP99().toNanos() / 1e6);
    config.put("maxErrors", o.maxErrors() < 0 ? null : o.maxErrors());
    figures.put("config", config);
    figures.put("startedAt", started.toString());
    figures.put("elapsedSeconds", Duration.between(started, Instant.now()).toMillis() / 1000.0);
    figures.put("peakConnections", m.peakConnections.get());
    figures.put("connectionsAtEnd", m.connections.get());
    figures.put("sent", m.sent.sum());
    figures.put("acked", m.acked.sum());
    figures.put("sendFailed", m.sendFailed.sum());
    figures.put("unresolved", unresolved);
    figures.put("delivered", m.delivered.sum());
    figures.put("lost", lost);
    figures.put("duplicated", m.duplicated.sum());
    figures.put("outOfOrder", m.outOfOrder.sum());
    figures.put("seqMismatch", m.seqMismatch.sum());
    figures.put("reconnects", m.reconnects.sum());
    figures.put("errors", m.errors());
    figures.put("errorsByKind", m.errorsByKind());
    Map<String, Object> latency = new LinkedHashMap<>();
    Map<String, Object> distribution = new LinkedHashMap<>();
    for (Metrics.Latency l : List.of(m.connect, m.ack, m.delivery)) {
      latency.put(l.name, Metrics.summary(l.total));
      distribution.put(l.name, Metrics.distribution(l.total));
    }
    figures.put("latencyMs", latency);
    figures.put("latencyDistribution", distribution);
    figures.put("timeSeries", m.series);

    if (lost > 0) {
      failures.add(lost + " acked messages never delivered");
    }
    if (m.duplicated.sum() > 0) {
      failures.add(m.duplicated.sum() + " messages delivered twice");
    }
    if (m.outOfOrder.sum() > 0 || m.seqMismatch.sum() > 0) {
      failures.add(m.outOfOrder.sum() + " deliveries out of seq order, " + m.seqMismatch.sum() + " with a seq other than the ack's");
    }
    if (o.maxP99() != null && m.delivery.total.getTotalCount() > 0
        && m.delivery.total.getValueAtPercentile(99) * 1000 > o.maxP99().toNanos()) {
      failures.add("delivery p99 " + Metrics.ms(m.delivery.total.getValueAtPercentile(99)) + " ms > --max-p99 "
          + o.maxP99().toNanos() / 1e6 + " ms");
    }
    if (o.maxErrors() >= 0 && m.errors() > o.maxErrors()) {
      failures.add(m.errors() + " errors > --max-errors " + o.maxErrors());
    }
    figures.put("failures", failures);
    figures.put("passed", failures.isEmpty());
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
    Files.writeString(dir.resolve("report.html"), HtmlReport.render(figures, metrics));
  }

  @SuppressWarnings("unchecked")
  public String summary() {
    StringBuilder s = new StringBuilder();
    Map<String, Object> c = (Map<String, Object>) figures.get("config");
    s.append(String.format("loadtest: %s couples (%s connections) via %s, %s msg/s per couple, %s bytes, %s s%n",
        c.get("couples"), c.get("connections"), c.get("gateways"), c.get("ratePerCouple"), c.get("size"), c.get("durationSeconds")));
    s.append(String.format("  connections  peak %s, reconnects %s%n", figures.get("peakConnections"), figures.get("reconnects")));
    s.append(String.format("  messages     sent %s, acked %s, delivered %s, lost %s, duplicated %s, send failed %s%n",
        figures.get("sent"), figures.get("acked"), figures.get("delivered"), figures.get("lost"), figures.get("duplicated"),
        figures.get("sendFailed")));
    Map<String, Object> lat = (Map<String, Object>) figures.get("latencyMs");
    for (var e : lat.entrySet()) {
      Map<String, Object> l = (Map<String, Object>) e.getValue();
      s.append(String.format("  %-12s n %s  p50 %s  p99 %s  p999 %s  max %s ms%n", e.getKey(), l.get("count"), l.get("p50"),
          l.get("p99"), l.get("p999"), l.get("max")));
    }
    s.append(String.format("  errors       %s %s%n", figures.get("errors"), figures.get("errorsByKind")));
    s.append(failures.isEmpty() ? "  PASSED\n" : "  FAILED: " + String.join("; ", failures) + "\n");
    return s.toString();
  }
}
