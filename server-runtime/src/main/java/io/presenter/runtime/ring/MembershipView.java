package io.presenter.runtime.ring;

import static java.util.Objects.requireNonNull;

import java.io.Closeable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.apache.curator.utils.PathUtils;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A read-only view of the chat servers registered under one ZooKeeper node (for example
 * {@code /presenter/chat-servers}, each child written by a {@link MemberRegistration}), kept as
 * an immutable {@link HashRing}. Gateways route with it; chat servers use it to know what they own.
 *
 * <h2>Versions</h2>
 * The ring's version is the membership node's {@code cversion}, read atomically with the list of
 * children. It grows with every join and leave and is the same for every observer of the same
 * membership, so two processes can compare versions to know whether they routed with the same
 * view. Member data is read after the list; if a listed child has vanished by then the snapshot
 * is not published at all (the deletion has fired the children watch, and the next read follows
 * at once), so a published version always holds exactly the children of that version. A child
 * whose data does not parse, or whose id differs from its node name, is left out of the ring and
 * logged at warn once (again only after it was fixed and broke again). A snapshot older than the
 * current one is never published; one of the same version is published only if a member's data
 * changed (a data watch fired), which moves no couples. Should the membership node itself be
 * deleted and re-created
 * (an operator's act), its {@code cversion} restarts; the view detects the newer node by its
 * creation zxid, follows it and logs a warning.
 *
 * <h2>Threads</h2>
 * All ZooKeeper work is asynchronous, on Curator's threads: reads are re-issued on every children
 * or data watch event and on {@link ConnectionState#CONNECTED}/{@link ConnectionState#RECONNECTED},
 * one read at a time (events during a read cause exactly one more). {@link #ring()} and
 * {@link #awaitVersion} never block and are safe to call from event loops; only
 * {@link #awaitInitialized} blocks. Rings are swapped atomically: a lookup sees the old ring or the
 * new one, never a mix. Listeners run on Curator's threads, see {@link MembershipListener}.
 *
 * <p>{@link #start()} creates the membership node (persistent, with parents) if missing. The
 * view does not own the Curator client: {@link #close()} removes its watches and listener, fails
 * pending {@link #awaitVersion} futures, and leaves the client open.
 */
public final class MembershipView implements Closeable {

  /** Default bound of concurrently pending {@link #awaitVersion} futures. */
  public static final int DEFAULT_MAX_PENDING_WAITERS = 4096;

  private static final Logger log = LoggerFactory.getLogger(MembershipView.class);

  private enum State { LATENT, STARTED, CLOSED }

  private final CuratorFramework client;
  private final String path;
  private final MembershipReader reader;
  private final VersionWaiters waiters;
  private final AtomicReference<State> state = new AtomicReference<>(State.LATENT);
  private final AtomicReference<HashRing> ring = new AtomicReference<>(HashRing.empty());
  private final List<MembershipListener> listeners = new CopyOnWriteArrayList<>();
  private final CountDownLatch initialized = new CountDownLatch(1);
  private final ConnectionStateListener connectionListener = (c, newState) -> onConnectionState(newState);
  private volatile long parentCzxid; // creation zxid of the node the current ring was read from

  /** A view of the children of {@code path}, with {@value #DEFAULT_MAX_PENDING_WAITERS} waiters. */
  public MembershipView(CuratorFramework client, String path) {
    this(client, path, DEFAULT_MAX_PENDING_WAITERS);
  }

  /** A view of the children of {@code path} with at most {@code maxPendingWaiters} waiters. */
  public MembershipView(CuratorFramework client, String path, int maxPendingWaiters) {
    this.client = requireNonNull(client, "client");
    this.path = PathUtils.validatePath(path);
    if (this.path.equals("/")) {
      throw new IllegalArgumentException("the membership node cannot be the root");
    }
    this.reader = new MembershipReader(client, this.path, this::publish);
    this.waiters = new VersionWaiters(maxPendingWaiters);
  }

  /** Starts watching in the background; returns at once. Call once. */
  public void start() {
    if (!state.compareAndSet(State.LATENT, State.STARTED)) {
      throw new IllegalStateException("already started or closed");
    }
    client.getConnectionStateListenable().addListener(connectionListener);
    reader.start();
  }

  /**
   * Blocks until the first complete snapshot was read (possibly an empty membership), at most
   * {@code timeout}. For start-up only, never on an event loop.
   *
   * @return true once initialised, false on timeout
   */
  public boolean awaitInitialized(Duration timeout) throws InterruptedException {
    return initialized.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** The current ring; {@link HashRing#empty()} until the first read. Never blocks. */
  public HashRing ring() {
    return ring.get();
  }

  /** The membership node's path. */
  public String path() {
    return path;
  }

  /**
   * A future completed with the first ring whose version is {@code >= minVersion} (at once if the
   * current one is). It completes on a Curator thread, so dependent actions that touch a Netty
   * channel should hop to its event loop. It never times out by itself: the caller adds its own
   * timeout ({@code orTimeout}) or cancels it; such abandoned futures are purged. At most the
   * constructor's {@code maxPendingWaiters} may be pending: beyond that, and after {@link #close},
   * the returned future is already failed ({@code RejectedExecutionException},
   * {@code IllegalStateException}). {@link #close()} fails pending futures.
   */
  public CompletableFuture<HashRing> awaitVersion(long minVersion) {
    HashRing current = ring.get();
    if (current.version() >= minVersion) {
      return CompletableFuture.completedFuture(current);
    }
    CompletableFuture<HashRing> future = waiters.add(minVersion);
    current = ring.get(); // a ring published while we were adding may have missed this waiter
    if (current.version() >= minVersion) {
      future.complete(current);
    }
    return future;
  }

  /** Adds a listener for later changes (the current ring is not replayed). */
  public void addListener(MembershipListener listener) {
    listeners.add(requireNonNull(listener, "listener"));
  }

  public void removeListener(MembershipListener listener) {
    listeners.remove(listener);
  }

  /** Stops watching; idempotent. The ring keeps its last value. */
  @Override
  public void close() {
    State previous = state.getAndSet(State.CLOSED);
    if (previous == State.STARTED) {
      client.getConnectionStateListenable().removeListener(connectionListener);
      reader.close();
    }
    waiters.close();
  }

  private void onConnectionState(ConnectionState newState) {
    if (state.get() != State.STARTED) {
      return;
    }
    for (MembershipListener listener : listeners) {
      try {
        listener.connectionChanged(newState);
      } catch (RuntimeException e) {
        log.error("membership listener {} failed on {}", listener, newState, e);
      }
    }
    if (newState == ConnectionState.CONNECTED || newState == ConnectionState.RECONNECTED) {
      reader.refresh();
    }
  }

  /** One INFO line per new ring: its version and size, who joined, left or changed address. */
  private void logChange(HashRing before, HashRing after) {
    List<String> joined = new ArrayList<>();
    List<String> changed = new ArrayList<>();
    for (Member m : after.members()) {
      Member old = before.member(m.id());
      if (old == null) {
        joined.add(m.id() + "@" + m.host() + ":" + m.muxPort());
      } else if (!old.equals(m)) {
        changed.add(m.id() + "@" + m.host() + ":" + m.muxPort());
      }
    }
    List<String> left = before.members().stream().map(Member::id).filter(id -> after.member(id) == null).toList();
    log.info("ring {} version {}: {} members{}{}{}", path, after.version(), after.size(),
        joined.isEmpty() ? "" : ", joined " + joined, left.isEmpty() ? "" : ", left " + left,
        changed.isEmpty() ? "" : ", changed " + changed);
  }

  // Called by the reader, one snapshot at a time.
  private void publish(Stat parent, List<Member> members) {
    if (state.get() != State.STARTED) {
      return;
    }
    members.sort(Comparator.comparing(Member::id));
    long version = parent.getCversion();
    long czxid = parent.getCzxid();
    HashRing current = ring.get();
    if (czxid < parentCzxid) {
      return; // a lagging server's copy of an older membership node
    }
    if (czxid == parentCzxid) {
      if (version < current.version()
          || (version == current.version() && members.equals(current.members()))) {
        initialized.countDown();
        return; // older than, or the same as, what we have
      }
    } else if (parentCzxid != 0) {
      log.warn("membership node {} was re-created; ring versions restart at {}", path, version);
    }
    HashRing next = HashRing.of(version, members);
    parentCzxid = czxid;
    ring.set(next);
    initialized.countDown();
    logChange(current, next);
    waiters.complete(next);
    for (MembershipListener listener : listeners) {
      try {
        listener.ringChanged(next);
      } catch (RuntimeException e) {
        log.error("membership listener {} failed on version {}", listener, next.version(), e);
      }
    }
  }
}
