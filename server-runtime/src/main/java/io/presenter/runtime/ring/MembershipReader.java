package io.presenter.runtime.ring;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.WatcherRemoveCuratorFramework;
import org.apache.curator.framework.api.CuratorEvent;
import org.apache.curator.framework.api.CuratorWatcher;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException.Code;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher.Event.EventType;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The asynchronous read loop behind {@link MembershipView}: lists the children of the membership
 * node together with its {@link Stat}, then reads each child's data, leaving watches on both, and
 * hands every <em>complete</em> snapshot to the sink. A snapshot is incomplete, and dropped, when
 * a listed child vanished before its data was read (the deletion fires the children watch, so a
 * newer read follows) or a read failed on the connection (the view refreshes on reconnect).
 *
 * <p>Reads are serialised: {@link #refresh()} while a read runs is remembered, and the running read
 * starts exactly one more when it finishes, so the sink sees snapshots in the order they were
 * read, one at a time. Everything runs on Curator's threads; {@link #refresh()} never blocks.
 */
final class MembershipReader {

  /** Receives complete snapshots, one at a time, on a Curator thread. */
  interface Sink {
    /** {@code members} is a fresh mutable list the sink may keep or change. */
    void snapshot(Stat parent, List<Member> members);
  }

  // Logged under the public class's name: that is the one operators configure.
  private static final Logger log = LoggerFactory.getLogger(MembershipView.class);

  private final CuratorFramework client;
  private final WatcherRemoveCuratorFramework watching;
  private final String path;
  private final Sink sink;
  private final AtomicInteger requests = new AtomicInteger();
  private final Set<String> warnedChildren = ConcurrentHashMap.newKeySet();
  private final CuratorWatcher watcher = this::onWatchedEvent;
  private volatile boolean active;

  MembershipReader(CuratorFramework client, String path, Sink sink) {
    this.client = client;
    this.watching = client.newWatcherRemoveCuratorFramework();
    this.path = path;
    this.sink = sink;
  }

  /** Creates the membership node if missing (persistent, with parents), then reads. */
  void start() {
    active = true;
    ensureParent();
  }

  /** Stops reading and removes the watches. */
  void close() {
    active = false;
    watching.removeWatchers();
  }

  /** Reads again, after the running read if there is one. */
  void refresh() {
    if (active && requests.getAndIncrement() == 0) {
      readChildren();
    }
  }

  private void ensureParent() {
    try {
      client.create().creatingParentsIfNeeded().withMode(CreateMode.PERSISTENT)
          .inBackground((c, event) -> {
            Code code = Code.get(event.getResultCode());
            if (code == Code.OK || code == Code.NODEEXISTS) {
              refresh();
            } else {
              log.warn("cannot create membership node {}: {}; retrying on reconnect", path, code);
            }
          })
          .forPath(path);
    } catch (Exception e) {
      log.warn("cannot create membership node {}", path, e);
    }
  }

  private void onWatchedEvent(WatchedEvent event) {
    if (event.getType() != EventType.None) {
      refresh();
    }
  }

  private void readChildren() {
    int claimed = requests.get(); // every request made so far is served by this read
    try {
      watching.getChildren().usingWatcher(watcher)
          .inBackground((c, event) -> onChildren(event, claimed))
          .forPath(path);
    } catch (Exception e) {
      log.warn("cannot read membership {}", path, e);
      readDone(claimed);
    }
  }

  private void readDone(int claimed) {
    if (requests.addAndGet(-claimed) > 0 && active) {
      readChildren();
    }
  }

  private void onChildren(CuratorEvent event, int claimed) {
    Code code = Code.get(event.getResultCode());
    if (code != Code.OK || !active) {
      if (code == Code.NONODE && active) {
        ensureParent(); // deleted under us: re-create it, then read again
      } else if (code != Code.OK) {
        log.debug("reading membership {} failed: {}; retrying on reconnect", path, code);
      }
      readDone(claimed);
      return;
    }
    List<String> children = event.getChildren();
    warnedChildren.retainAll(children);
    readMembers(event.getStat(), children, claimed);
  }

  private void readMembers(Stat parent, List<String> children, int claimed) {
    Member[] found = new Member[children.size()];
    AtomicInteger remaining = new AtomicInteger(children.size() + 1);
    AtomicBoolean complete = new AtomicBoolean(true);
    Runnable countDown = () -> {
      if (remaining.decrementAndGet() == 0) {
        finish(parent, found, complete.get(), claimed);
      }
    };
    for (int i = 0; i < children.size(); i++) {
      int slot = i;
      String child = children.get(i);
      try {
        watching.getData().usingWatcher(watcher).inBackground((c, event) -> {
          try {
            Code code = Code.get(event.getResultCode());
            if (code == Code.OK) {
              found[slot] = parse(child, event.getData());
            } else {
              complete.set(false);
              log.debug("reading member {}/{} failed: {}", path, child, code);
            }
          } finally {
            countDown.run(); // whatever happens, or reads would stop for good
          }
        }).forPath(ZKPaths.makePath(path, child));
      } catch (Exception e) {
        complete.set(false);
        log.warn("cannot read member {}/{}", path, child, e);
        countDown.run();
      }
    }
    countDown.run(); // the extra count makes an empty list finish here
  }

  private Member parse(String child, byte[] data) {
    try {
      Member member = Member.fromJson(data);
      if (!member.id().equals(child)) {
        throw new IllegalArgumentException("id '" + member.id() + "' differs from the node name");
      }
      warnedChildren.remove(child);
      return member;
    } catch (IllegalArgumentException e) {
      if (warnedChildren.add(child)) { // once per child, not once per read
        log.warn("ignoring member node {}: {}", ZKPaths.makePath(path, child), e.getMessage());
      }
      return null;
    }
  }

  private void finish(Stat parent, Member[] found, boolean complete, int claimed) {
    try {
      if (complete && active) {
        List<Member> members = new ArrayList<>(found.length);
        for (Member member : found) {
          if (member != null) {
            members.add(member);
          }
        }
        sink.snapshot(parent, members);
      }
    } catch (RuntimeException e) {
      log.error("cannot publish membership {}", path, e);
    } finally {
      readDone(claimed);
    }
  }
}
