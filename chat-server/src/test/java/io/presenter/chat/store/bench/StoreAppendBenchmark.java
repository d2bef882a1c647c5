package io.presenter.chat.store.bench;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.presenter.chat.store.AppendRequest;
import io.presenter.chat.store.AppendResult;
import io.presenter.chat.store.MessageStore;
import io.presenter.chat.store.MessageStores;
import io.presenter.chat.store.StoreConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Appends per second through the group commit: 16 threads, each appending to its own 64 couples
 * round-robin and waiting for every acknowledgement (like 16 busy connections), 100-byte bodies.
 * After each iteration it prints the commit latency per transaction (p50, p99, max) and the mean
 * batch size, from the store's own meters.
 *
 * <p>{@code backend=h2} uses a new data dir under {@code java.io.tmpdir};
 * {@code backend=postgresql} uses {@code PRESENTER_TEST_PG_URL} (default
 * {@code jdbc:postgresql://127.0.0.1:5432/presenter_test}, user and password {@code presenter}, as
 * {@code .ci/postgres.sh} sets up) in a new schema that is dropped afterwards. From the repository
 * root:
 * <pre>
 * ./mvnw -q -B -o install -DskipTests -pl protocol
 * ./mvnw -q -B -o -pl chat-server test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=target/test.classpath -Dmdep.includeScope=test
 * CP=chat-server/target/test-classes:chat-server/target/classes:$(cat chat-server/target/test.classpath)
 * java -cp "$CP" org.openjdk.jmh.Main StoreAppendBenchmark -wi 1 -w 5s -i 3 -r 10s
 * </pre>
 * Add {@code -p backend=h2} (or {@code postgresql}) for one backend only.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(16)
@Fork(1)
@Warmup(iterations = 1, time = 5)
@Measurement(iterations = 3, time = 10)
public class StoreAppendBenchmark {

  private static final int COUPLES_PER_THREAD = 64;

  /** The store, opened anew for every iteration so that its timer covers just that iteration. */
  @State(Scope.Benchmark)
  public static class Store {
    @Param({"h2", "postgresql"})
    public String backend;

    private Path dataDir;
    private String pgSchema;
    private StoreConfig config;
    private SimpleMeterRegistry registry;
    MessageStore store;

    @Setup(Level.Trial)
    public void createDatabase() throws IOException, SQLException {
      if (backend.equals("h2")) {
        dataDir = Files.createTempDirectory("store-bench");
        config = StoreConfig.embedded(dataDir);
      } else {
        pgSchema = "bench_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection c = pgConnection(pgUrl()); Statement s = c.createStatement()) {
          s.execute("CREATE SCHEMA " + pgSchema);
        }
        String url = pgUrl() + (pgUrl().contains("?") ? "&" : "?") + "currentSchema=" + pgSchema;
        config = StoreConfig.postgresql(url, pgUser(), pgPassword());
      }
    }

    @Setup(Level.Iteration)
    public void open() {
      registry = new SimpleMeterRegistry();
      registry.config().meterFilter(new MeterFilter() {
        @Override
        public DistributionStatisticConfig configure(Meter.Id id,
            DistributionStatisticConfig config) {
          return DistributionStatisticConfig.builder().percentiles(0.5, 0.99).build()
              .merge(config);
        }
      });
      store = MessageStores.open(config, registry);
    }

    @TearDown(Level.Iteration)
    public void closeAndReport() {
      // The store removes its meters when it closes.
      Timer commit = registry.get("presenter.store.commit").timer();
      DistributionSummary batchSize = registry.get("presenter.store.batch.size").summary();
      store.close();
      HistogramSnapshot snapshot = commit.takeSnapshot();
      StringBuilder line = new StringBuilder(String.format(
          "%n[%s] commits: %d, mean batch %.1f messages, commit latency", backend,
          snapshot.count(), batchSize.mean()));
      for (ValueAtPercentile p : snapshot.percentileValues()) {
        line.append(String.format(" p%.0f %.2f ms", p.percentile() * 100,
            p.value(TimeUnit.MILLISECONDS)));
      }
      line.append(String.format(" max %.2f ms", snapshot.max(TimeUnit.MILLISECONDS)));
      System.out.println(line);
    }

    @TearDown(Level.Trial)
    public void dropDatabase() throws IOException, SQLException {
      if (dataDir != null) {
        try (Stream<Path> files = Files.walk(dataDir)) {
          for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
            Files.delete(p);
          }
        }
      }
      if (pgSchema != null) {
        try (Connection c = pgConnection(pgUrl()); Statement s = c.createStatement()) {
          s.execute("DROP SCHEMA " + pgSchema + " CASCADE");
        }
      }
    }
  }

  /** One appender: its own couples, round-robin, with unique client message ids. */
  @State(Scope.Thread)
  public static class Appender {
    private final String[] couples = new String[COUPLES_PER_THREAD];
    private final byte[] body = new byte[100];
    private long next;

    @Setup(Level.Trial)
    public void createCouples() {
      for (int i = 0; i < couples.length; i++) {
        couples[i] = "bench-" + UUID.randomUUID();
      }
    }

    AppendRequest nextRequest() {
      long n = next++;
      String couple = couples[(int) (n % couples.length)];
      return new AppendRequest(couple, "alice", "alice-phone", "m" + n, 1, body,
          System.currentTimeMillis());
    }
  }

  @Benchmark
  public AppendResult append(Store store, Appender appender) {
    return store.store.append(appender.nextRequest()).join();
  }

  private static String pgUrl() {
    return env("PRESENTER_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/presenter_test");
  }

  private static String pgUser() {
    return env("PRESENTER_TEST_PG_USER", "presenter");
  }

  private static String pgPassword() {
    return env("PRESENTER_TEST_PG_PASSWORD", "presenter");
  }

  private static Connection pgConnection(String url) throws SQLException {
    return DriverManager.getConnection(url, pgUser(), pgPassword());
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }
}
