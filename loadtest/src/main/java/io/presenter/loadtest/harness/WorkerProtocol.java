package io.presenter.loadtest.harness;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;

/**
 * The line protocol between the coordinator and its worker processes, one JSON object a line.
 *
 * <p>Coordinator to worker (the worker's stdin): {@code spec} (the whole {@link LoadtestOptions},
 * by Jackson, and the worker's slice of couples), then {@code start} (the common start instant,
 * epoch milliseconds). End of input before the worker finished means the coordinator is gone: the
 * worker exits at once.
 *
 * <p>Worker to coordinator (the worker's stdout; its logs go to stderr): {@code ready} once set
 * up, a {@code sample} every second of the run (counter deltas, errors by kind, connections, and
 * the interval histograms as HdrHistogram compressed base64), and one {@code final} with the
 * worker's totals (full histograms and counts) and its process figures (RSS, CPU).
 */
final class WorkerProtocol {
  /** Paths as written (relative ones stay relative); durations as seconds. */
  static final ObjectMapper JSON = JsonMapper.builder()
      .addModule(new JavaTimeModule())
      .addModule(new SimpleModule().addSerializer(Path.class, ToStringSerializer.instance))
      .build();

  private WorkerProtocol() {}

  /** What one worker runs: couples {@code firstCouple .. firstCouple + couples - 1} of the run. */
  record Spec(int worker, int firstCouple, int couples, String runId, LoadtestOptions options) {}

  static String spec(Spec s) {
    ObjectNode n = JSON.createObjectNode().put("type", "spec").put("worker", s.worker()).put("firstCouple", s.firstCouple())
        .put("couples", s.couples()).put("runId", s.runId());
    n.set("options", JSON.valueToTree(s.options()));
    return line(n);
  }

  static Spec spec(JsonNode n) {
    return new Spec(n.path("worker").asInt(), n.path("firstCouple").asInt(), n.path("couples").asInt(), n.path("runId").asText(),
        options(n.path("options")));
  }

  /** The options as the coordinator sent them: Jackson over the record's components, every one of them. */
  static LoadtestOptions options(JsonNode n) {
    try {
      return JSON.treeToValue(n, LoadtestOptions.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("bad options from the coordinator: " + e.getMessage(), e);
    }
  }

  static String ready(int worker, long pid) {
    return line(JSON.createObjectNode().put("type", "ready").put("worker", worker).put("pid", pid));
  }

  static String start(long atEpochMillis) {
    return line(JSON.createObjectNode().put("type", "start").put("atEpochMillis", atEpochMillis));
  }

  static String sample(Sample s) {
    ObjectNode n = JSON.createObjectNode().put("type", "sample").put("second", s.second()).put("phase", s.phase())
        .put("connections", s.connections());
    n.set("counts", JSON.valueToTree(s.counts()));
    n.set("errors", JSON.valueToTree(s.errors()));
    n.set("histograms", histograms(s.histograms()));
    return line(n);
  }

  static Sample sample(JsonNode n) throws DataFormatException {
    return new Sample(n.path("second").asInt(), n.path("phase").asText(), n.path("connections").asInt(),
        longs(n.path("counts"), new LinkedHashMap<>()), longs(n.path("errors"), new TreeMap<>()), histograms(n.path("histograms")));
  }

  static String finalLine(Totals t, Map<String, Object> process) {
    ObjectNode n = JSON.createObjectNode().put("type", "final");
    ObjectNode totals = n.putObject("totals");
    totals.set("counts", JSON.valueToTree(t.counts()));
    totals.set("errors", JSON.valueToTree(t.errors()));
    totals.set("histograms", histograms(t.histograms()));
    totals.put("peakConnections", t.peakConnections()).put("connectionsAtEnd", t.connectionsAtEnd());
    n.set("process", JSON.valueToTree(process));
    return line(n);
  }

  static Totals totals(JsonNode n) throws DataFormatException {
    JsonNode t = n.path("totals");
    return new Totals(longs(t.path("counts"), new LinkedHashMap<>()), longs(t.path("errors"), new TreeMap<>()),
        histograms(t.path("histograms")), t.path("peakConnections").asInt(), t.path("connectionsAtEnd").asInt());
  }

  private static ObjectNode histograms(Map<String, Histogram> hs) {
    ObjectNode n = JSON.createObjectNode();
    hs.forEach((name, h) -> n.put(name, encode(h)));
    return n;
  }

  private static Map<String, Histogram> histograms(JsonNode n) throws DataFormatException {
    Map<String, Histogram> out = new LinkedHashMap<>();
    for (var it = n.fields(); it.hasNext(); ) {
      var e = it.next();
      out.put(e.getKey(), decode(e.getValue().asText()));
    }
    return out;
  }

  private static Map<String, Long> longs(JsonNode n, Map<String, Long> into) {
    n.fields().forEachRemaining(e -> into.put(e.getKey(), e.getValue().asLong()));
    return into;
  }

  static String encode(Histogram h) {
    ByteBuffer b = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
    int n = h.encodeIntoCompressedByteBuffer(b);
    return Base64.getEncoder().encodeToString(Arrays.copyOf(b.array(), n));
  }

  static Histogram decode(String base64) throws DataFormatException {
    return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(base64)), Metrics.HIGHEST_MICROS);
  }

  private static String line(ObjectNode n) {
    try {
      return JSON.writeValueAsString(n);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
