package io.presenter.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.presenter.loadtest.bench.Bench;
import io.presenter.loadtest.bench.BenchOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** {@code presenter bench}: parses the options of a {@link Bench} run and runs it. */
final class BenchCommand {
  static final String USAGE =
      """
      usage: presenter bench --local DATA_DIR --target HOST:PORT [--connections N] [--concurrency C]
                             [--sources 127.0.0.1,127.0.0.2,...|127.0.0.1-127.0.0.8] [--resume M] [--hold SECONDS]
                             [--messages-per-second R] [--seconds S] [--relay-couples K]
                             [--threads T] [--admin URL] [--cpu-pids PID,...] [--out FILE.json]
        Benchmarks a gateway (or a chat server's direct TLS port) in bounded phases:
        (a) N clients (default 1000, two per couple) connect with full TLS handshakes and
            authenticate, C at a time (default 200);
        (b) M of them (default min(N, 2000); 0 skips) close and reconnect resuming their TLS
            sessions; --admin (the gateway's admin URL) cross-checks its resumed-handshake count;
        (c) all stay idle for --hold seconds (default 0), e.g. to measure the server's memory;
        (d) the first client of K couples (default min(N/2, 1000)) sends R messages/s in total
            (default 200, open loop) for S seconds (default 10); partners record latency from the
            intended send time.
        The CA and token key come from DATA_DIR/local.json (written by presenter local). Local
        addresses from --sources (default 127.0.0.1) are bound round-robin. T client event loop
        threads (default 2). --cpu-pids: local server processes whose CPU seconds (like the
        client's own) each phase reports. Writes every figure to FILE.json and prints a summary. Exits 1 if
        anything failed.
      """;

  private BenchCommand() {}

  static void run(String[] argv) throws Exception {
    Args args = new Args(argv, 0, Set.of("local", "target", "connections", "concurrency", "sources", "resume", "hold",
        "messages-per-second", "seconds", "relay-couples", "threads", "admin", "cpu-pids", "out"));
    if (args.help()) {
      System.out.print(USAGE);
      return;
    }
    Object errors = new Bench(options(args)).run().get("errors");
    if (!Long.valueOf(0).equals(errors)) {
      System.exit(1);
    }
  }

  static BenchOptions options(Args args) throws Exception {
    Path dataDir = Path.of(args.require("local"));
    JsonNode local = new ObjectMapper().readTree(dataDir.resolve("local.json").toFile());
    String target = args.require("target");
    int colon = target.lastIndexOf(':');
    if (colon < 1) {
      throw new Args.UsageException("--target must be HOST:PORT");
    }
    int n = args.getInt("connections", 1000);
    String out = args.get("out", null);
    try {
      return new BenchOptions(
          Path.of(local.path("ca").asText()),
          Path.of(local.path("tokenKey").asText()),
          target.substring(0, colon),
          Integer.parseInt(target.substring(colon + 1)),
          n,
          args.getInt("concurrency", 200),
          Args.addresses("sources", args.get("sources", "127.0.0.1")),
          args.getInt("resume", Math.min(n, 2000)),
          args.getInt("hold", 0),
          args.getInt("messages-per-second", 200),
          args.getInt("seconds", 10),
          args.getInt("relay-couples", Math.min(n / 2, 1000)),
          args.getInt("threads", 2),
          args.get("admin", null),
          pids(args.get("cpu-pids", "")),
          out == null ? null : Path.of(out));
    } catch (IllegalArgumentException e) {
      throw new Args.UsageException(e.getMessage());
    }
  }

  private static List<Long> pids(String list) {
    List<Long> out = new ArrayList<>();
    for (String s : list.split(",")) {
      if (!s.isBlank()) {
        try {
          out.add(Long.parseLong(s.trim()));
        } catch (NumberFormatException e) {
          throw new Args.UsageException("bad pid " + s);
        }
      }
    }
    return out;
  }
}
