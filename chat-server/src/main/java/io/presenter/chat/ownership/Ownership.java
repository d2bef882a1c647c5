package io.presenter.chat.ownership;

import io.presenter.chat.couple.CoupleRegistry;
import io.presenter.protocol.mux.thrift.CloseReason;
import io.presenter.runtime.ring.HashRing;
import io.presenter.runtime.ring.Member;
import io.presenter.runtime.ring.MembershipListener;
import io.presenter.runtime.ring.MembershipView;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.curator.framework.state.ConnectionState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides which couples this server owns: those the current ring maps to it, and only while its
 * ZooKeeper session is known to be alive. When the ring moves a couple away, or the session is
 * suspended or lost (another server may take over once it expires), the affected streams are
 * closed as MOVED with the ring version so gateways re-route them. Being suspended stops
 * ownership at once, well before the session timeout lets another server take over.
 */
public final class Ownership implements MembershipListener {
  private static final Logger log = LoggerFactory.getLogger(Ownership.class);

  private final String selfId;
  private final MembershipView view;
  private final CoupleRegistry couples;
  private final AtomicLong movedCouples = new AtomicLong();
  private volatile boolean connected = true;
  private volatile boolean leaving;

  public Ownership(String selfId, MembershipView view, CoupleRegistry couples) {
    this.selfId = selfId;
    this.view = view;
    this.couples = couples;
  }

  /** True if this server may serve the couple right now. */
  public boolean owns(String coupleId) {
    if (!connected || leaving) {
      return false;
    }
    HashRing ring = view.ring();
    Member owner = ring.ownerOf(coupleId);
    return owner != null && owner.id().equals(selfId);
  }

  public long ringVersion() {
    return view.ring().version();
  }

  public HashRing ring() {
    return view.ring();
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
    evictAll(CloseReason.DRAINING, "server is draining");
  }

  @Override
  public void ringChanged(HashRing ring) {
    if (leaving) {
      return;
    }
    int n =
        couples.evictIf(
            coupleId -> !owns(coupleId), CloseReason.MOVED, ring.version(), "couple moved under ring " + ring.version());
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
        evictAll(CloseReason.MOVED, "chat server lost its ZooKeeper session");
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

  private void evictAll(CloseReason reason, String message) {
    movedCouples.addAndGet(couples.evictIf(c -> true, reason, view.ring().version(), message));
  }
}
