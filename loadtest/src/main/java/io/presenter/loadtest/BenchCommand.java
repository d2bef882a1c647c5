package io.presenter.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.presenter.cli.AddressList;
import io.presenter.cli.Cli;
import io.presenter.loadtest.bench.Bench;
import io.presenter.loadtest.bench.BenchOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code presenter bench}: parses the options of a {@link Bench} run and runs it. */
@Command(name = "bench", sortOptions = false, description = {
    "benchmark a gateway or a chat server's direct port: handshakes, memory, relay latency",
    "",
    "Benchmarks a gateway (or a chat server's direct TLS port) in bounded phases:",
    "(a) N clients (two per couple) connect with full TLS handshakes and authenticate, C at a time;",
    "(b) M of them close and reconnect resuming their TLS sessions; --admin (the gateway's admin URL) cross-checks"
        + " its resumed-handshake count;",
    "(c) all stay idle for --hold seconds, e.g. to measure the server's memory;",
    "(d) the first client of K couples sends R messages/s in total (open loop) for S seconds; partners record"
        + " latency from the intended send time.",
    "The CA and token key come from DATA_DIR/local.json (written by presenter local). Writes every figure to"
        + " --out and prints a summary. Exits 1 if anything failed.",
    ""})
public final class BenchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--local", paramLabel = "DATA_DIR", required = true, description = "the local cluster's data dir (CA, token key)")
  Path local;

  @Option(names = "--target", paramLabel = "HOST:PORT", required = true, description = "the gateway or direct port to load")
  String target;

  @Option(names = "--connections", paramLabel = "N", defaultValue = "1000", description = "clients (default ${DEFAULT-VALUE})")
  int connections;

  @Option(names = "--concurrency", paramLabel = "C", defaultValue = "200",
      description = "connection attempts in flight at once (default ${DEFAULT-VALUE})")
  int concurrency;

  @Option(names = "--sources", paramLabel = "LIST|RANGE", defaultValue = "127.0.0.1",
      description = "local addresses bound round-robin, e.g. 127.0.0.1-127.0.0.8 (default ${DEFAULT-VALUE})")
  AddressList sources;

  @Option(names = "--resume", paramLabel = "M", description = "reconnects with TLS resumption (default min(N, 2000); 0 skips)")
  Integer resume;

  @Option(names = "--hold", paramLabel = "SECONDS", defaultValue = "0", description = "idle hold (default ${DEFAULT-VALUE})")
  int hold;

  @Option(names = "--messages-per-second", paramLabel = "R", defaultValue = "200",
      description = "relay send rate in total (default ${DEFAULT-VALUE})")
  int messagesPerSecond;

  @Option(names = "--seconds", paramLabel = "S", defaultValue = "10", description = "relay phase length (default ${DEFAULT-VALUE})")
  int seconds;

  @Option(names = "--relay-couples", paramLabel = "K", description = "sending couples (default min(N/2, 1000))")
  Integer relayCouples;

  @Option(names = "--threads", paramLabel = "T", defaultValue = "2", description = "client event loop threads (default ${DEFAULT-VALUE})")
  int threads;

  @Option(names = "--admin", paramLabel = "URL", description = "the gateway's admin base URL, to read its handshake counters")
  String admin;

  @Option(names = "--cpu-pids", paramLabel = "PID", split = ",",
      description = "local server processes whose CPU seconds (like the client's own) each phase reports")
  List<Long> cpuPids = new ArrayList<>();

  @Option(names = "--out", paramLabel = "FILE.json", description = "where every figure goes")
  Path out;

  @Override
  public Integer call() throws Exception {
    Object errors = new Bench(options()).run().get("errors");
    return Long.valueOf(0).equals(errors) ? 0 : 1;
  }

  BenchOptions options() throws Exception {
    JsonNode description = new ObjectMapper().readTree(local.resolve("local.json").toFile());
    int colon = target.lastIndexOf(':');
    if (colon < 1) {
      throw Cli.usageError(spec, "--target must be HOST:PORT");
    }
    int port;
    try {
      port = Integer.parseInt(target.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw Cli.usageError(spec, "--target must be HOST:PORT, not " + target);
    }
    try {
      return new BenchOptions(
          Path.of(description.path("ca").asText()),
          Path.of(description.path("tokenKey").asText()),
          target.substring(0, colon),
          port,
          connections,
          concurrency,
          sources.addresses(),
          resume != null ? resume : Math.min(connections, 2000),
          hold,
          messagesPerSecond,
          seconds,
          relayCouples != null ? relayCouples : Math.min(connections / 2, 1000),
          threads,
          admin,
          cpuPids,
          out);
    } catch (IllegalArgumentException e) {
      throw Cli.usageError(spec, e.getMessage());
    }
  }
}
