package io.presenter.loadtest.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;

/** The figures of one run as nested maps, written as JSON and summarised in plain text. */
final class BenchReport {
  final Map<String, Object> root = new LinkedHashMap<>();

  /** A section of the report, created on first use. */
  @SuppressWarnings("unchecked")
  Map<String, Object> section(String name) {
    return (Map<String, Object>) root.computeIfAbsent(name, k -> new LinkedHashMap<String, Object>());
  }

  /** Percentiles of a microsecond histogram, in milliseconds. */
  static Map<String, Object> latency(Histogram h) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("count", h.getTotalCount());
    m.put("p50", ms(h.getValueAtPercentile(50)));
    m.put("p99", ms(h.getValueAtPercentile(99)));
    m.put("p999", ms(h.getValueAtPercentile(99.9)));
    m.put("max", ms(h.getMaxValue()));
    m.put("mean", ms(Math.round(h.getMean())));
    return m;
  }

  static Map<String, Object> phase(ConnectPhase.Result r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("attempted", r.attempted());
    m.put("authenticated", r.authenticated());
    m.put("failed", r.failed());
    m.put("resumedByClient", r.resumed());
    m.put("seconds", round(r.seconds()));
    m.put("perSecond", round(r.perSecond()));
    m.put("handshakeMs", latency(r.handshakes()));
    m.put("connectToAuthOkMs", latency(r.connectToAuthOk()));
    return m;
  }

  private static double ms(long micros) {
    return round(micros / 1000.0);
  }

  static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }

  void write(Path file) throws IOException {
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), root);
  }

  /** A few lines for a person. */
  @SuppressWarnings("unchecked")
  String summary() {
    StringBuilder s = new StringBuilder();
    s.append("target ").append(root.get("target")).append(", ").append(root.get("transport")).append('\n');
    for (String name : new String[] {"full", "resumed"}) {
      Map<String, Object> p = (Map<String, Object>) root.get(name);
      if (p == null) {
        continue;
      }
      Map<String, Object> hs = (Map<String, Object>) p.get("handshakeMs");
      Map<String, Object> auth = (Map<String, Object>) p.get("connectToAuthOkMs");
      s.append(String.format("%-8s %s/%s authenticated (%s resumed) in %s s = %s/s; handshake p50 %s p99 %s ms; connect->AuthOk p50 %s p99 %s ms%n",
          name, p.get("authenticated"), p.get("attempted"), p.get("resumedByClient"), p.get("seconds"), p.get("perSecond"),
          hs.get("p50"), hs.get("p99"), auth.get("p50"), auth.get("p99")));
    }
    Map<String, Object> relay = (Map<String, Object>) root.get("relay");
    if (relay != null) {
      Map<String, Object> l = (Map<String, Object>) relay.get("latencyMs");
      s.append(String.format("relay    %s msg/s over %s couples: %s recorded, %s lost; p50 %s p99 %s p999 %s max %s ms%n",
          relay.get("rate"), relay.get("couples"), l.get("count"), relay.get("lost"), l.get("p50"), l.get("p99"), l.get("p999"), l.get("max")));
    }
    s.append("errors ").append(root.get("errors")).append(", unexpected closes ").append(root.get("unexpectedCloses"));
    if (root.get("firstError") != null) {
      s.append(" (first: ").append(root.get("firstError")).append(')');
    }
    return s.append('\n').toString();
  }
}
