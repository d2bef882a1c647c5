/**
 * Which chat server owns which couple.
 *
 * <p>Chat servers register as ephemeral ZooKeeper nodes under one membership node
 * ({@link io.presenter.runtime.ring.MemberRegistration}); gateways and chat servers watch it
 * ({@link io.presenter.runtime.ring.MembershipView}) and build the same immutable
 * {@link io.presenter.runtime.ring.HashRing} from it, whose version (the membership node's
 * {@code cversion}) tells two processes whether they routed with the same view. The ring layout
 * and the member JSON ({@link io.presenter.runtime.ring.Member}) are part of the contract between
 * the tiers; both are specified in those classes.
 *
 * <p>Gateways publish themselves the same way, one ephemeral {@link
 * io.presenter.runtime.ring.GatewayNode} each (address, weight, connections, state) under
 * {@value io.presenter.runtime.ring.GatewayNode#DEFAULT_PATH}; a {@link
 * io.presenter.runtime.ring.GatewayDirectory} keeps an immutable snapshot of them.
 */
package io.presenter.runtime.ring;
