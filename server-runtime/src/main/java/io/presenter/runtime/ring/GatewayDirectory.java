package io.presenter.runtime.ring;

import static java.util.Objects.requireNonNull;

import java.io.Closeable;
import java.time.Duration;
import java.util.Collections;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.utils.PathUtils;
import org.apache.curator.utils.ZKPaths;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateways published under one ZooKeeper node (each child a {@link GatewayNode}, written by
 * the gateway itself), kept by a Curator cache: the nodes are watched, never polled, and
 * {@link #snapshot()} returns an immutable copy that is swapped atomically on every change.
 *
 * <p>A child whose data does not parse, or whose id differs from its node name, is not in
 * {@link Snapshot#gateways()} but its name is in {@link Snapshot#unreadable()} (a node exists, so
 * some gateway holds it), and it is logged at warn once until it is readable again.
 *
 * <p>{@link #start()} returns at once; the first complete snapshot is there when
 * {@link #awaitInitialized} returns true (empty before). The snapshot keeps its last value while
 * ZooKeeper is unreachable: {@link #isCurrent()} tells whether it can be trusted now. The node
 * need not exist. The directory does not own the Curator client; {@link #close()} stops the
 * cache and leaves the client open. Reads never block.
 */
public final class GatewayDirectory implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(GatewayDirectory.class);

  /**
   * The gateways at one moment.
   *
   * @param gateways readable nodes by id, iterated in id order
   * @param unreadable ids of nodes whose data is not a valid {@link GatewayNode}, in order
   */
  public record Snapshot(SortedMap<String, GatewayNode> gateways, SortedSet<String> unreadable) {
    static final Snapshot EMPTY = new Snapshot(new TreeMap<>(), new TreeSet<>());

    public Snapshot {
      gateways = Collections.unmodifiableSortedMap(new TreeMap<>(gateways));
      unreadable = Collections.unmodifiableSortedSet(new TreeSet<>(unreadable));
    }
  }

  private final CuratorFramework client;
  private final String path;
  private final CuratorCache cache;
  private final AtomicReference<Snapshot> snapshot = new AtomicReference<>(Snapshot.EMPTY);
  private final CountDownLatch initialized = new CountDownLatch(1);
  private final Set<String> warned = new HashSet<>(); // guarded by this

  /** A directory of the children of {@code path}. */
  public GatewayDirectory(CuratorFramework client, String path) {
    this.client = requireNonNull(client, "client");
    this.path = PathUtils.validatePath(path);
    this.cache = CuratorCache.build(client, this.path);
    cache.listenable().addListener(CuratorCacheListener.builder()
        .forAll((type, before, after) -> {
          if (initialized.getCount() == 0) {
            rebuild();
          }
        })
        .forInitialized(() -> {
          rebuild();
          initialized.countDown();
        })
        .build());
  }

  /** Starts watching in the background; returns at once. Call once. */
  public void start() {
    cache.start();
  }

  /**
   * Blocks until the first complete snapshot was read, at most {@code timeout}.
   *
   * @return true once initialised, false on timeout
   */
  public boolean awaitInitialized(Duration timeout) throws InterruptedException {
    return initialized.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** True when the snapshot was read at least once and ZooKeeper is connected now. */
  public boolean isCurrent() {
    return initialized.getCount() == 0 && client.getZookeeperClient().isConnected();
  }

  /** The current snapshot (empty before the first read). Never blocks. */
  public Snapshot snapshot() {
    return snapshot.get();
  }

  /** The readable gateways now, by id: {@code snapshot().gateways()}. */
  public Map<String, GatewayNode> gateways() {
    return snapshot.get().gateways();
  }

  /** The node watched. */
  public String path() {
    return path;
  }

  /** Stops watching; idempotent. The snapshot keeps its last value. */
  @Override
  public void close() {
    cache.close();
  }

  // Curator may call from more than one thread; one rebuild at a time, each from the whole cache.
  private synchronized void rebuild() {
    SortedMap<String, GatewayNode> gateways = new TreeMap<>();
    SortedSet<String> unreadable = new TreeSet<>();
    for (ChildData child : (Iterable<ChildData>) cache.stream()::iterator) {
      ZKPaths.PathAndNode where = ZKPaths.getPathAndNode(child.getPath());
      if (!where.getPath().equals(path)) {
        continue; // the node itself, or deeper than its children
      }
      String id = where.getNode();
      try {
        GatewayNode node = GatewayNode.fromJson(child.getData());
        if (!node.id().equals(id)) {
          throw new IllegalArgumentException("its data says id " + node.id());
        }
        gateways.put(id, node);
        warned.remove(id);
      } catch (IllegalArgumentException e) {
        unreadable.add(id);
        if (warned.add(id)) {
          log.warn("ignoring gateway node {}: {}", child.getPath(), e.getMessage());
        }
      }
    }
    warned.retainAll(unreadable);
    snapshot.set(new Snapshot(gateways, unreadable));
  }
}
