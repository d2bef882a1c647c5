package io.presenter.chat.couple;

import io.presenter.chat.store.StoredMessage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The in-memory state of one couple this server owns: connected devices, the two users,
 * typing, read markers and the latest committed sequence number. Typing and presence live only
 * here. Thread-safe: sessions on different event loops and the store's committer thread all
 * call in, so every method synchronizes on the couple (contention is limited to one couple's
 * handful of devices). Devices are told of events outside the lock.
 */
public final class Couple {
  /**
   * A couple is two people: the first two users that ever authenticated for it, kept in the
   * store; any other user is refused, whether or not the two are online.
   */
  public static final int MAX_USERS = 2;

  private final String id;
  private final ScheduledExecutorService timers;
  private final long typingTtlMillis;
  private final List<Device> devices = new ArrayList<>(4);
  private final Set<String> users = new LinkedHashSet<>(4);
  private final Map<String, Long> readMarkers = new HashMap<>(4);
  private final Map<String, ScheduledFuture<?>> typing = new HashMap<>(4);
  private long latestSeq;
  /** Sends accepted from this couple's devices whose commit has not completed yet. */
  private int commitsInFlight;
  private boolean evicted;

  Couple(
      String id, long latestSeq, List<String> members, Map<String, Long> readMarkers, ScheduledExecutorService timers,
      long typingTtlMillis) {
    this.id = id;
    this.latestSeq = latestSeq;
    this.timers = timers;
    this.typingTtlMillis = typingTtlMillis;
    this.readMarkers.putAll(readMarkers);
    this.users.addAll(members);
  }

  public String id() {
    return id;
  }

  /** How a join ended. */
  public enum JoinOutcome {
    JOINED,
    /** The couple was retired or evicted meanwhile: acquire it again. */
    RETIRED,
    /** The user is not one of the couple's two users yet and a place is free: admit it first. */
    ADMIT_FIRST,
    /** The couple has two other users. */
    NOT_A_MEMBER
  }

  /**
   * What a joining device is told: latest seq, partner (the couple's other user, once there is
   * one), partner presence and read marker. Only {@code outcome} is meaningful unless JOINED.
   */
  public record JoinResult(JoinOutcome outcome, long latestSeq, String partnerId, boolean partnerOnline, long partnerReadUpTo) {
    static JoinResult not(JoinOutcome outcome) {
      return new JoinResult(outcome, 0, null, false, 0);
    }

    public boolean accepted() {
      return outcome == JoinOutcome.JOINED;
    }
  }

  /** Adds a device of one of the couple's users (see {@link JoinOutcome} for the refusals). */
  public JoinResult join(Device device) {
    List<Device> notify;
    JoinResult result;
    synchronized (this) {
      if (evicted) {
        return JoinResult.not(JoinOutcome.RETIRED);
      }
      if (!users.contains(device.userId())) {
        return JoinResult.not(users.size() >= MAX_USERS ? JoinOutcome.NOT_A_MEMBER : JoinOutcome.ADMIT_FIRST);
      }
      boolean firstDevice = devicesOf(device.userId()) == 0;
      devices.add(device);
      String partner = partnerOf(device.userId());
      result =
          new JoinResult(
              JoinOutcome.JOINED,
              latestSeq,
              partner,
              partner != null && devicesOf(partner) > 0,
              partner == null ? 0 : readMarkers.getOrDefault(partner, 0L));
      notify = firstDevice ? partnerDevices(device.userId()) : List.of();
    }
    notify.forEach(d -> d.presence(device.userId(), true));
    return result;
  }

  /** Removes a device; the partner hears the user went offline when its last device left. */
  public void leave(Device device) {
    List<Device> notify = List.of();
    boolean stopTyping = false;
    synchronized (this) {
      if (!devices.remove(device)) {
        return;
      }
      if (devicesOf(device.userId()) == 0) {
        notify = partnerDevices(device.userId());
        ScheduledFuture<?> t = typing.remove(device.userId());
        stopTyping = t != null && t.cancel(false);
      }
    }
    for (Device d : notify) {
      if (stopTyping) {
        d.typing(device.userId(), false);
      }
      d.presence(device.userId(), false);
    }
  }

  /** After a commit: records the seq and delivers to the partner's devices and the sender's others; returns how many. */
  public int delivered(Device sender, StoredMessage message) {
    List<Device> targets = new ArrayList<>(4);
    synchronized (this) {
      latestSeq = Math.max(latestSeq, message.seq());
      for (Device d : devices) {
        if (d != sender) {
          targets.add(d);
        }
      }
    }
    targets.forEach(d -> d.message(message));
    return targets.size();
  }

  /** Relays typing to the partner; a typing state not renewed within the TTL ends by itself. */
  public void typing(String userId, boolean on) {
    List<Device> targets;
    synchronized (this) {
      ScheduledFuture<?> previous = typing.remove(userId);
      if (previous != null) {
        previous.cancel(false);
      }
      if (on) {
        typing.put(userId, timers.schedule(() -> expireTyping(userId), typingTtlMillis, TimeUnit.MILLISECONDS));
      } else if (previous == null) {
        return; // was not typing; nothing to tell
      }
      targets = partnerDevices(userId);
    }
    targets.forEach(d -> d.typing(userId, on));
  }

  private void expireTyping(String userId) {
    List<Device> targets;
    synchronized (this) {
      if (typing.remove(userId) == null) {
        return;
      }
      targets = partnerDevices(userId);
    }
    targets.forEach(d -> d.typing(userId, false));
  }

  /** Records a committed read marker (only forward) and relays it to the partner. */
  public void readUpTo(String userId, long seq) {
    List<Device> targets;
    synchronized (this) {
      long old = readMarkers.getOrDefault(userId, 0L);
      if (seq <= old) {
        return;
      }
      readMarkers.put(userId, seq);
      targets = partnerDevices(userId);
    }
    targets.forEach(d -> d.readUpTo(userId, seq));
  }

  /** The couple's users as the store now knows them (after an admission). */
  synchronized void membersAre(List<String> members) {
    users.addAll(members);
  }

  public synchronized long latestSeq() {
    return latestSeq;
  }

  public synchronized int deviceCount() {
    return devices.size();
  }

  /** Marks the couple gone from this server and returns the devices to end. */
  synchronized List<Device> evict() {
    evicted = true;
    typing.values().forEach(t -> t.cancel(false));
    typing.clear();
    List<Device> all = new ArrayList<>(devices);
    devices.clear();
    return all;
  }

  /**
   * A send of this couple went to the store. Until {@link #commitFinished} the couple is not
   * retired even if every device leaves: a device that joins meanwhile must find this object,
   * whose latest seq and delivery to partners will include that commit, not a fresh copy loaded
   * from the store before the commit landed.
   */
  public synchronized void commitStarted() {
    commitsInFlight++;
  }

  synchronized void commitFinished() {
    commitsInFlight--;
  }

  /**
   * True if no device and no commit is left; the couple then refuses joins so a fresh one is
   * loaded.
   */
  synchronized boolean retireIfEmpty() {
    if (devices.isEmpty() && commitsInFlight == 0) {
      evicted = true;
      typing.values().forEach(t -> t.cancel(false));
      typing.clear();
    }
    return evicted;
  }

  private int devicesOf(String userId) {
    int n = 0;
    for (Device d : devices) {
      if (d.userId().equals(userId)) {
        n++;
      }
    }
    return n;
  }

  private String partnerOf(String userId) {
    for (String u : users) {
      if (!u.equals(userId)) {
        return u;
      }
    }
    return null;
  }

  private List<Device> partnerDevices(String userId) {
    List<Device> out = new ArrayList<>(2);
    for (Device d : devices) {
      if (!d.userId().equals(userId)) {
        out.add(d);
      }
    }
    return out;
  }
}
