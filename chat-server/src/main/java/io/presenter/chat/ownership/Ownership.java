package io.presenter.chat.ownership;

import io.presenter.chat.couple.CoupleRegistry;
import io.presenter.chat.couple.SessionEnd;
import io.presenter.runtime.ring.HashRing;
import io.presenter.runtime.ring.Member;
import io.presenter.runtime.ring.MembershipListener;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.curator.framework.state.ConnectionState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides which couples this server owns: those the current ring maps to it, and only while its
 * ZooKeeper session is known to be alive. When the ring moves a couple away, or the session is
 * suspended or lost (another server may take over once it expires), the affected sessions are
 * ended as {@link SessionEnd#MOVED} with the ring version so gateways re-route them. Being suspended stops
 * ownership at once, well before the session timeout lets another server take over.
 */
public final class Ownership implements MembershipListener {
  private static final Logger log = LoggerFactory.getLogger(Ownership.class);

  private final String selfId;
  private final Supplier<HashRing> ring;
  private final CoupleRegistry couples;
  private final AtomicLong movedCouples = new AtomicLong();
  private volatile boolean connected = true;
  private volatile boolean leaving;

  /**
   * @param ring the current ring (the membership view's latest snapshot); this listener must
   *     also be registered with that view
   */
  public Ownership(String selfId, Supplier<HashRing> ring, CoupleRegistry couples) {
    this.selfId = selfId;
    this.ring = ring;
    this.couples = couples;
  }

  /** True if this server may serve the couple right now. */
  public boolean owns(String coupleId) {
    if (!connected || leaving) {
      return false;
    }
    Member owner = ring.get().ownerOf(coupleId);
    return owner != null && owner.id().equals(selfId);
  }

  public long ringVersion() {
    return ring.get().version();
  }

  /** Couples evicted because they moved (ring change, session trouble or drain), for metrics. */
  public long movedCouples() {
    return movedCouples.get();
  }

  /**
   * First step of a graceful stop: serve no new session and leave evictions to {@link #leave()},
   * so that the hand-over happens once, on the stopping thread, after the ring moved on.
   */
  public void prepareLeave() {
    leaving = true;
  }

  /** Hands every couple over as DRAINING (graceful stop). */
  public void leave() {
    leaving = true;
    evictAll(SessionEnd.DRAINING, "server is draining");
  }

  @Override
  public void ringChanged(HashRing ring) {
    if (leaving) {
      return;
    }
    int n =
        couples.evictIf(
            coupleId -> !owns(coupleId), SessionEnd.MOVED, ring.version(), "couple moved under ring " + ring.version());
    movedCouples.addAndGet(n);
    if (n > 0) {
      log.info("ring {} moved {} couples away from {}", ring.version(), n, selfId);
    }
  }

  @Override
  public void connectionChanged(ConnectionState state) {
    switch (state) {
      case SUSPENDED, LOST -> {
        connected = false;
        log.warn("ZooKeeper connection {}: giving up ownership of all couples", state);
        evictAll(SessionEnd.MOVED, "chat server lost its ZooKeeper session");
      }
      case CONNECTED, RECONNECTED -> {
        if (!connected) {
          log.info("ZooKeeper connection {}: owning couples again", state);
        }
        connected = true;
      }
      default -> {}
    }
  }

  private void evictAll(SessionEnd reason, String message) {
    movedCouples.addAndGet(couples.evictIf(c -> true, reason, ringVersion(), message));
  }
}
