package io.presenter.gateway.weight;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.CreateMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes this gateway's address, weight, connection count and state (serving/draining) as an
 * ephemeral ZooKeeper node {@code <path>/<id>} (JSON), refreshed every interval, so any tool can
 * read the fleet. Failures never affect serving: they are counted and logged at most once a
 * minute.
 */
public final class ZooKeeperWeightPublisher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ZooKeeperWeightPublisher.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final PersistentNode node;
  private final String id;
  private final String address;
  private final WeightCalculator calculator;
  private final IntSupplier connections;
  private final BooleanSupplier draining;
  private ScheduledFuture<?> timer;
  private long failures;
  private long lastFailureLogNanos;
  private volatile int lastWeight = -1;

  public ZooKeeperWeightPublisher(
      CuratorFramework client, String path, String id, String address, WeightCalculator calculator,
      IntSupplier connections, BooleanSupplier draining) {
    this.id = id;
    this.address = address;
    this.calculator = calculator;
    this.connections = connections;
    this.draining = draining;
    this.node = new PersistentNode(client, CreateMode.EPHEMERAL, false, ZKPaths.makePath(path, id), bytes(WeightCalculator.MAX, 0, false));
  }

  public void start(EventExecutor executor, long intervalMillis) {
    node.start();
    publish();
    timer = executor.scheduleAtFixedRate(this::publish, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
  }

  /** Publishes now (also called on a drain, so the weight drops to 0 at once). */
  public synchronized void publish() {
    boolean isDraining = draining.getAsBoolean();
    int n = connections.getAsInt();
    int weight = calculator.toPublish(n, processCpu(), isDraining);
    try {
      node.setData(bytes(weight, n, isDraining));
      lastWeight = weight;
    } catch (Exception e) {
      failures++;
      long now = System.nanoTime();
      if (now - lastFailureLogNanos > TimeUnit.MINUTES.toNanos(1)) {
        lastFailureLogNanos = now;
        log.warn("cannot publish the gateway's weight ({} failures so far): {}", failures, e.toString());
      }
    }
  }

  public int lastWeight() {
    return lastWeight;
  }

  public long failures() {
    return failures;
  }

  private byte[] bytes(int weight, int connections, boolean draining) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("id", id);
    data.put("address", address);
    data.put("weight", weight);
    data.put("connections", connections);
    data.put("state", draining ? "draining" : "serving");
    try {
      return JSON.writeValueAsBytes(data);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static double processCpu() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuLoad();
    }
    return 0;
  }

  @Override
  public void close() throws Exception {
    if (timer != null) {
      timer.cancel(false);
    }
    node.close();
  }
}
