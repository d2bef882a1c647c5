package io.presenter.gateway.weight;

/**
 * What a gateway publishes at one moment: its id, the address clients reach it at, its weight
 * (0..{@link WeightCalculator#MAX}, 0 while draining), its open connections and whether it drains.
 */
public record WeightSnapshot(String id, HostPort address, int weight, int connections, boolean draining) {

  /**
   * Whether DNS would say something different: the weight, the state or the address changed (the
   * connection count alone does not, DNS does not carry it).
   */
  public boolean routesLike(WeightSnapshot other) {
    return other != null && weight == other.weight && draining == other.draining && address.equals(other.address);
  }
}
