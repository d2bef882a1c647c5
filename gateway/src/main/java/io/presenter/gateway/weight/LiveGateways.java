package io.presenter.gateway.weight;

import java.util.Map;

/**
 * The gateways alive right now, by id, with the address each advertises: those holding a
 * ZooKeeper node. A gateway's node is ephemeral, so one that crashed drops out when its ZooKeeper
 * session expires, while its DNS records stay; a sweep of stale records compares them with this.
 */
@FunctionalInterface
public interface LiveGateways {

  /** Id (sorted) to advertised address (null if unknown); throws rather than answer partially. */
  Map<String, HostPort> read() throws Exception;
}
