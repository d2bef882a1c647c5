package io.presenter.loadtest.harness;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The self-contained HTML report: inline SVG charts drawn here (no script, no network), the
 * summary figures as a table and the full JSON in a collapsed block.
 */
final class HtmlReport {
  private static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"};
  private static final int W = 760;
  private static final int H = 250;
  private static final int L = 60;
  private static final int R = 20;
  private static final int T = 30;
  private static final int B = 40;

  private HtmlReport() {}

  /** Named series of (x, y) points. */
  private record Series(String name, List<double[]> points) {}

  static String render(Map<String, Object> figures, Map<String, Histogram> histograms, List<Map<String, Object>> ts) {
    StringBuilder h = new StringBuilder();
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Presenter load test</title>\n<style>")
        .append("body{font-family:sans-serif;margin:20px;color:#222}table{border-collapse:collapse}")
        .append("td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}th{background:#f4f4f4}")
        .append("svg{display:block;margin:10px 0;background:#fff;border:1px solid #ddd}.fail{color:#c00}.pass{color:#070}")
        .append("</style></head><body>\n<h1>Presenter load test</h1>\n");
    boolean passed = Boolean.TRUE.equals(figures.get("passed"));
    h.append("<p class=\"").append(passed ? "pass\"><b>PASSED</b>" : "fail\"><b>FAILED</b>: " + esc(String.valueOf(figures.get("failures"))))
        .append("</p>\n<p>").append(esc(String.valueOf(figures.get("config")))).append("<br>started ")
        .append(esc(String.valueOf(figures.get("startedAt")))).append("</p>\n");
    h.append(table(figures, "peakConnections", "sent", "acked", "delivered", "deliveriesExpected", "lost", "duplicated", "outOfOrder",
        "sendFailed", "errors"));
    h.append(table(figures, "reconnects", "goAways", "dropped", "handshakesFull", "handshakesResumed", "typingSent", "typingReceived",
        "receiptsSent", "receiptsReceived"));
    h.append("<p>rates (steady phase): ").append(esc(String.valueOf(figures.get("rates")))).append("<br>connections per gateway: ")
        .append(esc(String.valueOf(figures.get("connectionsPerGateway")))).append("</p>\n");
    if (figures.get("workers") instanceof List<?> workers) {
      h.append("<details><summary>processes</summary><ul>");
      for (Object w : workers) {
        h.append("<li>").append(esc(String.valueOf(w))).append("</li>");
      }
      h.append("</ul></details>\n");
    }
    h.append("<h2>Latency (ms)</h2>\n<table><tr><th>latency</th><th>count</th><th>p50</th><th>p90</th><th>p99</th><th>p999</th><th>max</th><th>mean</th></tr>");
    for (var l : histograms.entrySet()) {
      h.append("<tr><th>").append(esc(l.getKey())).append("</th>");
      for (Object v : Metrics.summary(l.getValue()).values()) {
        h.append("<td>").append(v).append("</td>");
      }
      h.append("</tr>");
    }
    h.append("</table>\n<p>connect: connect() to the first AuthOk; ack: intended send time to SendAck; delivery: intended send time")
        .append(" to each receiving device (open loop); handshake_full / handshake_resumed: TCP connected to TLS handshake done;")
        .append(" reconnect: end of a session to the next AuthOk.</p>\n");
    h.append("<p>errors by kind: ").append(esc(String.valueOf(figures.get("errorsByKind")))).append("</p>\n<h2>Over time</h2>\n");
    h.append(chart("Connections", "connections", List.of(series(ts, "connections")), false));
    h.append(chart("Throughput (messages/s)", "msg/s", List.of(series(ts, "sent"), series(ts, "acked"), series(ts, "delivered")), false));
    h.append(chart("Delivery latency per second (ms)", "ms", List.of(series(ts, "deliveryP50Ms"), series(ts, "deliveryP99Ms"),
        series(ts, "deliveryP999Ms"), series(ts, "deliveryMaxMs"), series(ts, "ackP99Ms")), false));
    h.append(chart("Errors and reconnects per second", "per s", List.of(series(ts, "errors"), series(ts, "reconnects")), false));
    h.append("<h2>Latency percentile distribution</h2>\n");
    List<Series> dist = new ArrayList<>();
    for (var l : histograms.entrySet()) {
      if (l.getValue().getTotalCount() == 0) {
        continue;
      }
      List<double[]> pts = new ArrayList<>();
      for (double[] p : Metrics.distribution(l.getValue())) {
        pts.add(new double[] {Math.min(5, -Math.log10(Math.max(1e-5, 1 - p[0] / 100))), p[1]});
      }
      dist.add(new Series(l.getKey(), pts));
    }
    h.append(chart("Latency by percentile (ms)", "ms", dist, true));
    try {
      h.append("<details><summary>report.json</summary><pre>")
          .append(esc(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(figures))).append("</pre></details>\n");
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    return h.append("</body></html>\n").toString();
  }

  private static String table(Map<String, Object> figures, String... names) {
    StringBuilder t = new StringBuilder("<table><tr>");
    for (String c : names) {
      t.append("<th>").append(c).append("</th>");
    }
    t.append("</tr><tr>");
    for (String c : names) {
      t.append("<td>").append(esc(String.valueOf(figures.get(c)))).append("</td>");
    }
    return t.append("</tr></table>\n").toString();
  }

  private static Series series(List<Map<String, Object>> ts, String key) {
    List<double[]> pts = new ArrayList<>();
    for (Map<String, Object> p : ts) {
      pts.add(new double[] {((Number) p.get("t")).doubleValue(), ((Number) p.get(key)).doubleValue()});
    }
    return new Series(key, pts);
  }

  /** A line chart; with {@code percentileAxis} x is -log10(1 - p) labelled as percentiles. */
  private static String chart(String title, String yLabel, List<Series> series, boolean percentileAxis) {
    double xMin = Double.MAX_VALUE;
    double xMax = -Double.MAX_VALUE;
    double yMax = 0;
    for (Series s : series) {
      for (double[] p : s.points()) {
        xMin = Math.min(xMin, p[0]);
        xMax = Math.max(xMax, p[0]);
        yMax = Math.max(yMax, p[1]);
      }
    }
    if (xMin > xMax) {
      xMin = 0;
      xMax = 1;
    }
    if (percentileAxis) {
      xMin = 0;
      xMax = Math.max(xMax, 3);
    }
    if (xMax <= xMin) {
      xMax = xMin + 1;
    }
    yMax = niceCeil(yMax);
    StringBuilder s = new StringBuilder();
    s.append(String.format(Locale.ROOT, "<svg class=\"chart\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s\">\n",
        W, H, W, H, esc(title)));
    s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"18\" font-size=\"14\" font-weight=\"bold\">%s</text>\n", L, esc(title)));
    int pw = W - L - R;
    int ph = H - T - B;
    for (int i = 0; i <= 4; i++) {
      double y = T + ph - ph * i / 4.0;
      s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/>", L, y, W - R, y));
      s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">%s</text>\n", L - 4, y + 4,
          fmt(yMax * i / 4)));
    }
    if (percentileAxis) {
      String[] labels = {"0%", "90%", "99%", "99.9%", "99.99%", "99.999%"};
      for (int i = 0; i <= 5 && i <= xMax; i++) {
        double x = L + pw * (i - xMin) / (xMax - xMin);
        s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%s</text>", x, H - B + 15,
            labels[i]));
      }
    } else {
      for (int i = 0; i <= 5; i++) {
        double v = xMin + (xMax - xMin) * i / 5;
        s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%ss</text>",
            L + pw * i / 5.0, H - B + 15, fmt(v)));
      }
    }
    s.append(String.format(Locale.ROOT, "<text x=\"12\" y=\"%d\" font-size=\"11\" transform=\"rotate(-90 12 %d)\" text-anchor=\"middle\">%s</text>\n",
        T + ph / 2, T + ph / 2, esc(yLabel)));
    s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#999\"/>\n", L, T, pw, ph));
    int lx = L + 10;
    for (int i = 0; i < series.size(); i++) {
      Series se = series.get(i);
      String color = COLORS[i % COLORS.length];
      StringBuilder pts = new StringBuilder();
      for (double[] p : se.points()) {
        double x = L + pw * (p[0] - xMin) / (xMax - xMin);
        double y = T + ph - ph * Math.min(1, p[1] / yMax);
        pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
      }
      s.append(String.format(Locale.ROOT, "<polyline class=\"series\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" points=\"%s\"/>\n",
          color, pts.toString().trim()));
      s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\" fill=\"%s\">%s</text>", lx, T + 14, color, esc(se.name())));
      lx += 10 + 7 * se.name().length();
    }
    return s.append("</svg>\n").toString();
  }

  private static double niceCeil(double v) {
    if (v <= 0) {
      return 1;
    }
    double mag = Math.pow(10, Math.floor(Math.log10(v)));
    for (double f : new double[] {1, 2, 2.5, 5, 10}) {
      if (f * mag >= v) {
        return f * mag;
      }
    }
    return 10 * mag;
  }

  private static String fmt(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.format(Locale.ROOT, "%.2f", v);
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }

}
