package io.presenter.runtime.ring;

import static java.util.Objects.requireNonNull;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.curator.utils.PathUtils;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException.Code;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers one chat server in the membership: an ephemeral node {@code <path>/<member id>}
 * holding {@link Member#toJson()}, kept by Curator's {@link PersistentNode}, so it is re-created
 * after a session loss (and after anyone deletes it) for as long as the registration is open.
 *
 * <p>{@link #start()} returns at once; it first makes sure the membership node exists as a
 * <em>persistent</em> node (Curator would otherwise create a container node, which ZooKeeper
 * deletes when it is empty, restarting the ring version), then starts the persistent node, all in
 * the background. {@link #close()} deletes the node before it returns (retrying in the background
 * if ZooKeeper cannot be reached), so a graceful stop leaves the ring at once instead of after
 * the session timeout. The registration does not own the Curator client.
 *
 * <p>If a node with the same id is still there from a previous process whose session has not
 * expired yet, {@link #awaitRegistered} succeeds once this registration has written its data into
 * it; when the old session expires the node is deleted and at once re-created.
 */
public final class MemberRegistration implements Closeable {

  private static final Logger log = LoggerFactory.getLogger(MemberRegistration.class);

  private enum State { LATENT, STARTED, CLOSED }

  private final CuratorFramework client;
  private final String parentPath;
  private final Member member;
  private final PersistentNode node;
  private final CountDownLatch nodeStarted = new CountDownLatch(1);
  private final Object lock = new Object();
  private State state = State.LATENT; // guarded by lock
  private boolean nodeRunning; // guarded by lock

  /** A registration of {@code member} under the membership node {@code parentPath}. */
  public MemberRegistration(CuratorFramework client, String parentPath, Member member) {
    this.client = requireNonNull(client, "client");
    this.parentPath = PathUtils.validatePath(parentPath);
    if (this.parentPath.equals("/")) {
      throw new IllegalArgumentException("the membership node cannot be the root");
    }
    this.member = requireNonNull(member, "member");
    this.node = new PersistentNode(client, CreateMode.EPHEMERAL, false,
        ZKPaths.makePath(this.parentPath, member.id()), member.toJson());
    // Every (re-)creation: at the start, and after a session loss deleted the node.
    node.getListenable().addListener(path -> log.info("registered {} in the ring: {}", path, member));
  }

  /** Starts registering in the background; returns at once. Call once. */
  public void start() {
    synchronized (lock) {
      if (state != State.LATENT) {
        throw new IllegalStateException("already started or closed");
      }
      state = State.STARTED;
    }
    try {
      client.create().creatingParentsIfNeeded().withMode(CreateMode.PERSISTENT)
          .inBackground((c, event) -> {
            Code code = Code.get(event.getResultCode());
            if (code != Code.OK && code != Code.NODEEXISTS) {
              log.warn("cannot create membership node {} ({}); registering anyway", parentPath, code);
            }
            startNode();
          })
          .forPath(parentPath);
    } catch (Exception e) {
      log.warn("cannot create membership node {}; registering anyway", parentPath, e);
      startNode();
    }
  }

  private void startNode() {
    synchronized (lock) {
      if (state != State.STARTED || nodeRunning) {
        return;
      }
      node.start();
      nodeRunning = true;
    }
    nodeStarted.countDown();
  }

  /**
   * Blocks until the node was first created (or taken over, see above), at most {@code timeout}.
   *
   * @return true if registered; false on timeout or if closed
   */
  public boolean awaitRegistered(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    if (!nodeStarted.await(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
      return false;
    }
    synchronized (lock) {
      if (state != State.STARTED) {
        return false;
      }
    }
    try {
      return node.waitForInitialCreate(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (IllegalStateException closedMeanwhile) {
      return false;
    }
  }

  /** The registered member. */
  public Member member() {
    return member;
  }

  /** The member's node path, {@code <path>/<member id>}. */
  public String nodePath() {
    return ZKPaths.makePath(parentPath, member.id());
  }

  /**
   * Stops re-creating the node and deletes it; idempotent. Blocks for the delete.
   *
   * @throws IOException if the delete failed, typically because ZooKeeper cannot be reached; it
   *     is then retried in the background (Curator's guaranteed delete), and the node goes away
   *     at the latest when the session expires
   */
  @Override
  public void close() throws IOException {
    boolean running;
    synchronized (lock) {
      if (state == State.CLOSED) {
        return;
      }
      state = State.CLOSED;
      running = nodeRunning;
    }
    nodeStarted.countDown(); // wake awaitRegistered
    if (running) {
      node.close();
      log.info("deregistered {} from the ring", nodePath());
    }
  }
}
