package io.presenter.gateway.weight;

/**
 * One place a gateway's weight goes (ZooKeeper, a DNS server, Route 53). Implementations may block
 * (each call is bounded by the publisher's own timeout): {@link WeightPublishing} calls them from
 * its single publishing thread, never from an event loop, and counts and logs whatever they throw,
 * so a failure here never affects serving.
 */
public interface WeightPublisher {

  /** Short name, the {@code publisher} tag of the failure counter: zookeeper, rfc2136, route53. */
  String name();

  /** Makes {@code snapshot} the published state of this gateway, replacing its previous one. */
  void publish(WeightSnapshot snapshot) throws Exception;

  /** Removes what this gateway published and releases resources; called once, at shutdown. */
  void withdraw() throws Exception;
}
