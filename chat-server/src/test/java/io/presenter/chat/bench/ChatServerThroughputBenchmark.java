package io.presenter.chat.bench;

import com.typesafe.config.ConfigFactory;
import io.netty.channel.Channel;
import io.presenter.chat.MuxTestClient;
import io.presenter.chat.TestSession;
import io.presenter.chat.server.ChatServer;
import io.presenter.chat.server.ChatServerConfig;
import io.presenter.protocol.client.ClientFrames;
import io.presenter.protocol.client.thrift.ClientFrame;
import io.presenter.runtime.token.TokenClaims;
import io.presenter.runtime.token.TokenKeys;
import io.presenter.runtime.token.TokenSigner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.test.TestingServer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Messages per second through one real chat server (mux streams as a gateway opens them, real
 * ZooKeeper, real store): each thread is one sender of its own couple with 32 sends in flight,
 * counted when acknowledged, i.e. committed. Run: {@code deploy/bin/jmh chat-server ChatServerThroughput}
 * ({@code -p store=postgresql} with PRESENTER_TEST_PG_URL/USER/PASSWORD pointing at a database).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
@Fork(value = 1, jvmArgsAppend = {"-Dio.netty.leakDetection.level=disabled", "-Dpresenter.test.log=WARN"})
@Threads(8)
public class ChatServerThroughputBenchmark {
  static final int IN_FLIGHT = 32;

  @Param({"embedded", "postgresql"})
  String store;

  private TestingServer zookeeper;
  private ChatServer server;
  private MuxTestClient gateway;
  private Channel connection;
  private TokenSigner signer;
  private Path dir;
  private final AtomicInteger couples = new AtomicInteger();

  @Setup(Level.Trial)
  public void start() throws Exception {
    dir = Files.createTempDirectory("chat-bench");
    zookeeper = new TestingServer(true);
    TokenKeys keys = TokenKeys.generate("k1");
    Path keyFile = dir.resolve("keys.json");
    Files.writeString(keyFile, keys.toJson());
    signer = new TokenSigner(keys);
    Map<String, Object> s = new HashMap<>();
    s.put("presenter.chat.id", "bench");
    s.put("presenter.chat.bind-host", "127.0.0.1");
    s.put("presenter.chat.mux-port", 0);
    s.put("presenter.chat.admin-port", 0);
    s.put("presenter.chat.zookeeper.connect", zookeeper.getConnectString());
    s.put("presenter.chat.tokens.key-file", keyFile.toString());
    if (store.equals("postgresql")) {
      s.put("presenter.chat.store.type", "postgresql");
      s.put("presenter.chat.store.jdbc-url", env("PRESENTER_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/presenter_test"));
      s.put("presenter.chat.store.username", env("PRESENTER_TEST_PG_USER", "presenter"));
      s.put("presenter.chat.store.password", env("PRESENTER_TEST_PG_PASSWORD", "presenter"));
    } else {
      s.put("presenter.chat.store.data-dir", dir.resolve("store").toString());
    }
    server = new ChatServer(ChatServerConfig.from(ConfigFactory.parseMap(s).withFallback(ConfigFactory.defaultReference()).resolve())).start();
    gateway = new MuxTestClient();
    connection = gateway.connect(server.muxPort());
  }

  private static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isEmpty() ? fallback : v;
  }

  @TearDown(Level.Trial)
  public void stop() {
    printCommitLatency();
    gateway.close();
    server.close();
    try {
      zookeeper.close();
    } catch (Exception ignored) {
      // best effort
    }
  }

  /** Commit latency per batch and batch size over the whole trial, from the store's own meters. */
  private void printCommitLatency() {
    var timer = server.meters().get("presenter.store.commit").timer();
    var snapshot = timer.takeSnapshot();
    var batches = server.meters().get("presenter.store.batch.size").summary();
    System.out.printf("%n[%s] commits=%d mean=%.2f ms p50<=%.2f ms p99<=%.2f ms max=%.2f ms, mean batch %.1f messages%n",
        store, timer.count(), timer.mean(TimeUnit.MILLISECONDS), bucket(snapshot, 0.50), bucket(snapshot, 0.99),
        timer.max(TimeUnit.MILLISECONDS), batches.mean());
  }

  /** Upper bound of the histogram bucket holding the given quantile, in ms. */
  private static double bucket(io.micrometer.core.instrument.distribution.HistogramSnapshot snapshot, double q) {
    double target = snapshot.count() * q;
    for (var b : snapshot.histogramCounts()) {
      if (b.count() >= target) {
        return b.bucket(TimeUnit.MILLISECONDS);
      }
    }
    return Double.NaN;
  }

  /** One sender per thread, in its own couple. */
  @State(Scope.Thread)
  public static class Sender {
    TestSession session;
    long next;

    @Setup(Level.Trial)
    public void login(ChatServerThroughputBenchmark bench) throws Exception {
      String couple = "bench-" + bench.couples.incrementAndGet() + "-" + UUID.randomUUID();
      Instant now = Instant.now();
      String token = bench.signer.sign(new TokenClaims("sender", couple, null, now, now.plus(Duration.ofHours(2))));
      session = bench.gateway.open(bench.connection, token, couple, "phone", 0, 0);
      session.next(ClientFrame::isSetAuthOk);
    }
  }

  @Benchmark
  @OperationsPerInvocation(IN_FLIGHT)
  public void sendAndAwaitAcks(Sender sender) throws Exception {
    byte[] body = new byte[100];
    for (int i = 0; i < IN_FLIGHT; i++) {
      sender.session.send(ClientFrames.send("m" + sender.next++, 1, body));
    }
    for (int i = 0; i < IN_FLIGHT; i++) {
      sender.session.next(ClientFrame::isSetAck);
    }
  }
}
