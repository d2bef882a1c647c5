package io.presenter.chat.couple;

import io.presenter.chat.session.ChatSession;
import io.presenter.protocol.client.ClientFrames;
import io.presenter.protocol.client.thrift.ClientFrame;
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
 * handful of devices). Frames are written outside the lock.
 */
public final class Couple {
  /** A couple is two people; a third user id for the same couple is refused. */
  public static final int MAX_USERS = 2;

  private final String id;
  private final ScheduledExecutorService timers;
  private final long typingTtlMillis;
  private final List<ChatSession> sessions = new ArrayList<>(4);
  private final Set<String> users = new LinkedHashSet<>(4);
  private final Map<String, Long> readMarkers = new HashMap<>(4);
  private final Map<String, ScheduledFuture<?>> typing = new HashMap<>(4);
  private long latestSeq;
  /** Sends accepted from this couple's sessions whose commit has not completed yet. */
  private int commitsInFlight;
  private boolean evicted;

  Couple(String id, long latestSeq, Map<String, Long> readMarkers, ScheduledExecutorService timers, long typingTtlMillis) {
    this.id = id;
    this.latestSeq = latestSeq;
    this.timers = timers;
    this.typingTtlMillis = typingTtlMillis;
    this.readMarkers.putAll(readMarkers);
    this.users.addAll(readMarkers.keySet());
  }

  public String id() {
    return id;
  }

  /** What a joining device is told: latest seq, partner, partner presence and read marker. */
  public record JoinResult(boolean accepted, long latestSeq, String partnerId, boolean partnerOnline, long partnerReadUpTo) {}

  /** Adds a device session; refused if the couple already has two other users or was evicted. */
  public JoinResult join(ChatSession session) {
    List<ChatSession> notify;
    JoinResult result;
    synchronized (this) {
      if (evicted || (!users.contains(session.userId()) && users.size() >= MAX_USERS)) {
        return new JoinResult(false, 0, null, false, 0);
      }
      users.add(session.userId());
      boolean firstDevice = devicesOf(session.userId()) == 0;
      sessions.add(session);
      String partner = partnerOf(session.userId());
      result =
          new JoinResult(
              true,
              latestSeq,
              partner,
              partner != null && devicesOf(partner) > 0,
              partner == null ? 0 : readMarkers.getOrDefault(partner, 0L));
      notify = firstDevice ? partnerSessions(session.userId()) : List.of();
    }
    ClientFrame online = ClientFrames.presence(session.userId(), true);
    notify.forEach(s -> s.write(online));
    return result;
  }

  /** Removes a session; the partner hears the user went offline when its last device left. */
  public void leave(ChatSession session) {
    List<ChatSession> notify = List.of();
    boolean stopTyping = false;
    synchronized (this) {
      if (!sessions.remove(session)) {
        return;
      }
      if (devicesOf(session.userId()) == 0) {
        notify = partnerSessions(session.userId());
        ScheduledFuture<?> t = typing.remove(session.userId());
        stopTyping = t != null && t.cancel(false);
      }
    }
    ClientFrame offline = ClientFrames.presence(session.userId(), false);
    ClientFrame notTyping = ClientFrames.typing(false, session.userId());
    for (ChatSession s : notify) {
      if (stopTyping) {
        s.write(notTyping);
      }
      s.write(offline);
    }
  }

  /** After a commit: records the seq and delivers to the partner's devices and the sender's others; returns how many. */
  public int delivered(ChatSession sender, long seq, ClientFrame message) {
    List<ChatSession> targets = new ArrayList<>(4);
    synchronized (this) {
      latestSeq = Math.max(latestSeq, seq);
      for (ChatSession s : sessions) {
        if (s != sender) {
          targets.add(s);
        }
      }
    }
    targets.forEach(s -> s.write(message));
    return targets.size();
  }

  /** Relays typing to the partner; a typing state not renewed within the TTL ends by itself. */
  public void typing(String userId, boolean on) {
    List<ChatSession> targets;
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
      targets = partnerSessions(userId);
    }
    ClientFrame frame = ClientFrames.typing(on, userId);
    targets.forEach(s -> s.write(frame));
  }

  private void expireTyping(String userId) {
    List<ChatSession> targets;
    synchronized (this) {
      if (typing.remove(userId) == null) {
        return;
      }
      targets = partnerSessions(userId);
    }
    ClientFrame frame = ClientFrames.typing(false, userId);
    targets.forEach(s -> s.write(frame));
  }

  /** Records a committed read marker (only forward) and relays it to the partner. */
  public void readUpTo(String userId, long seq) {
    List<ChatSession> targets;
    synchronized (this) {
      long old = readMarkers.getOrDefault(userId, 0L);
      if (seq <= old) {
        return;
      }
      readMarkers.put(userId, seq);
      targets = partnerSessions(userId);
    }
    ClientFrame frame = ClientFrames.readUpTo(seq, userId);
    targets.forEach(s -> s.write(frame));
  }

  public synchronized long latestSeq() {
    return latestSeq;
  }

  public synchronized int sessionCount() {
    return sessions.size();
  }

  /** Marks the couple gone from this server and returns the sessions to close. */
  synchronized List<ChatSession> evict() {
    evicted = true;
    typing.values().forEach(t -> t.cancel(false));
    typing.clear();
    List<ChatSession> all = new ArrayList<>(sessions);
    sessions.clear();
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
    if (sessions.isEmpty() && commitsInFlight == 0) {
      evicted = true;
      typing.values().forEach(t -> t.cancel(false));
      typing.clear();
    }
    return evicted;
  }

  private int devicesOf(String userId) {
    int n = 0;
    for (ChatSession s : sessions) {
      if (s.userId().equals(userId)) {
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

  private List<ChatSession> partnerSessions(String userId) {
    List<ChatSession> out = new ArrayList<>(2);
    for (ChatSession s : sessions) {
      if (!s.userId().equals(userId)) {
        out.add(s);
      }
    }
    return out;
  }
}
