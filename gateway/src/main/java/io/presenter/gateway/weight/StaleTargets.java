package io.presenter.gateway.weight;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.xbill.DNS.Name;

/**
 * Since when each SRV target has been seen in DNS with no live gateway behind it. A target is
 * removed only after a grace period: a gateway that just started may publish to DNS a moment
 * before its ZooKeeper node shows, and one whose ZooKeeper session was replaced re-creates its
 * node shortly after.
 */
final class StaleTargets {
  private final long graceNanos;
  private final Map<Name, Long> since = new HashMap<>();

  StaleTargets(long graceNanos) {
    this.graceNanos = graceNanos;
  }

  /**
   * Given the targets without a live gateway now, returns those that have been so for the grace
   * period, and forgets the targets that are no longer in that set.
   */
  Set<Name> expired(Set<Name> withoutGateway, long nowNanos) {
    since.keySet().retainAll(withoutGateway);
    Set<Name> expired = new LinkedHashSet<>();
    for (Name target : withoutGateway) {
      long first = since.computeIfAbsent(target, t -> nowNanos);
      if (nowNanos - first >= graceNanos) {
        expired.add(target);
      }
    }
    return expired;
  }

  /** Forgets everything (this gateway stopped sweeping: another one does it now). */
  void clear() {
    since.clear();
  }
}
