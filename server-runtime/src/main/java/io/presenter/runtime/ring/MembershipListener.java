package io.presenter.runtime.ring;

import org.apache.curator.framework.state.ConnectionState;

/**
 * Receives {@link MembershipView} changes. Both methods run on Curator's threads (ZooKeeper's
 * event thread or Curator's connection-state thread): they must return quickly and must not block
 * on ZooKeeper. An exception thrown by a listener is logged and does not affect the view or the
 * other listeners. Ring changes are delivered one at a time in version order; the two kinds of
 * call may interleave.
 */
public interface MembershipListener {

  /** A new ring was published; {@code ring.version()} is at least that of the previous one. */
  default void ringChanged(HashRing ring) {}

  /**
   * The ZooKeeper connection changed state. On {@link ConnectionState#SUSPENDED} the view may
   * be stale and on {@link ConnectionState#LOST} the session is gone (so are this process's
   * ephemeral nodes): a chat server must stop acting as owner of its couples until
   * {@link ConnectionState#RECONNECTED} and the re-read ring that follows it.
   */
  default void connectionChanged(ConnectionState state) {}
}
