package io.presenter.gateway.backend;

import io.netty.channel.EventLoop;
import io.presenter.protocol.mux.MuxConfig;
import io.presenter.runtime.ring.HashRing;
import io.presenter.runtime.ring.Member;
import io.presenter.runtime.ring.MembershipListener;
import io.presenter.protocol.transport.Transport;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@link BackendPool} per chat server on the ring: opened when a server joins, closed when it
 * leaves (its streams then re-route), replaced when its address changes.
 */
public final class BackendPools implements MembershipListener, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BackendPools.class);

  private final List<EventLoop> loops;
  private final Transport transport;
  private final MuxConfig muxConfig;
  private final BackendSettings settings;
  private final Map<String, BackendPool> pools = new ConcurrentHashMap<>();

  public BackendPools(List<EventLoop> loops, Transport transport, MuxConfig muxConfig, BackendSettings settings) {
    this.loops = loops;
    this.transport = transport;
    this.muxConfig = muxConfig;
    this.settings = settings;
  }

  /** The pool for a chat server, or null if it is not (or no longer) on the ring. */
  public BackendPool pool(String memberId) {
    return pools.get(memberId);
  }

  public Map<String, BackendPool> pools() {
    return pools;
  }

  /** True when at least one chat server has a live connection. */
  public boolean anyLive() {
    for (BackendPool pool : pools.values()) {
      if (pool.liveConnections() > 0) {
        return true;
      }
    }
    return false;
  }

  @Override
  public synchronized void ringChanged(HashRing ring) {
    Set<String> present = new HashSet<>();
    for (Member member : ring.members()) {
      present.add(member.id());
      BackendPool existing = pools.get(member.id());
      if (existing != null && existing.member().equals(member)) {
        continue;
      }
      log.info("backend {} at {}:{}: opening {} connection(s){}", member.id(), member.host(), member.muxPort(), loops.size(),
          existing != null ? " (address changed)" : "");
      BackendPool pool = new BackendPool(member, loops, transport, muxConfig, settings);
      pools.put(member.id(), pool);
      pool.start();
      if (existing != null) {
        existing.close();
      }
    }
    for (String id : List.copyOf(pools.keySet())) {
      if (!present.contains(id)) {
        log.info("backend {}: closing its connections (left the ring at version {})", id, ring.version());
        pools.remove(id).close();
      }
    }
  }

  @Override
  public synchronized void close() {
    pools.values().forEach(BackendPool::close);
    pools.clear();
  }
}
