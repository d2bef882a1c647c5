package io.presenter.chat.store;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The durable history of couples' messages, written by the chat server that owns the couple.
 * Open one with {@link MessageStores#open}.
 *
 * <h2>Appends and sequence numbers</h2>
 * {@link #append} gives each new message of a couple the next sequence number (1, 2, 3, ... without
 * gaps), assigned inside the committing transaction from a per-couple cache of the latest number
 * (read from the database on the first append after opening or {@link #forgetCouple}). Messages of
 * one couple are numbered in the order of the {@code append} calls. The database's primary key
 * {@code (couple, seq)} makes it impossible for two writers to commit the same number: the one that
 * loses gets {@link SequenceConflictException} (see there).
 *
 * <p>A resend (same couple, sender and client message id as a stored message) is answered with
 * the original sequence number and timestamp and {@code duplicate = true}; it consumes no number.
 *
 * <h2>Durability</h2>
 * An append's future completes successfully only after the transaction holding the message has
 * committed durably (PostgreSQL: with {@code synchronous_commit} on, its default; embedded H2: the
 * commit is written and the file is forced to disk, see {@link MessageStores}). Anything
 * acknowledged from a successful future survives a crash of the process or the machine.
 *
 * <h2>Threading</h2>
 * All methods are thread safe. {@code append} never blocks: it queues the message for the single
 * committer thread, which commits whatever is queued (up to a batch limit) in one transaction,
 * and completes the futures <em>on the committer thread</em> after the commit. Callbacks must not
 * block; hop to your own executor (for example the channel's event loop) with the {@code *Async}
 * methods. The other methods block on the database and must be called off event loops.
 *
 * <h2>Failures</h2>
 * Invalid arguments throw {@link IllegalArgumentException} or {@link NullPointerException} at
 * once (see {@link StoreLimits}). An append's future fails with {@link StoreOverloadedException}
 * at once when the queue is full, with {@link SequenceConflictException} on a conflict, and with
 * {@link StoreException} when the database fails or the store is closed. Blocking methods throw
 * {@link StoreException}.
 */
public interface MessageStore extends AutoCloseable {

  /**
   * Queues a message for the next group commit.
   *
   * @return completes after the commit, on the committer thread (see the class comment)
   */
  CompletableFuture<AppendResult> append(AppendRequest request);

  /**
   * The couple's messages with a sequence number above {@code afterSeq}, oldest first, at most
   * {@code limit} (1 to {@link StoreLimits#MAX_READ_LIMIT}). An empty list means there are none.
   * Only committed messages are returned.
   */
  List<StoredMessage> readAfter(String coupleId, long afterSeq, int limit);

  /** The couple's latest committed sequence number according to the database; 0 if none. */
  long latestSeq(String coupleId);

  /**
   * Records that {@code userId} has read the couple's messages up to {@code seq}. Markers only
   * move forward: the stored value becomes {@code max(old, seq)}. Durable when it returns.
   */
  void setReadMarker(String coupleId, String userId, long seq);

  /**
   * The couple's users, at most two, in the order they first authenticated; empty for a couple
   * nobody has joined yet.
   */
  List<String> coupleMembers(String coupleId);

  /**
   * Makes {@code userId} one of the couple's two users if it is not yet and a place is free; a
   * couple's users never change afterwards. Durable when it returns. Safe against racing callers
   * (other servers included): exactly two users can ever be admitted.
   *
   * @return the couple's users after the call, in the order they joined; {@code userId} is among
   *     them unless the couple already had two other users
   */
  List<String> admitCoupleMember(String coupleId, String userId);

  /** The couple's read markers by user id; users without a marker are absent. */
  Map<String, Long> readMarkers(String coupleId);

  /**
   * Drops what this store caches about the couple (its latest sequence number). Call when this
   * server stops owning the couple; the next append for it reads the latest number again.
   */
  void forgetCouple(String coupleId);

  /**
   * Commits what is queued, completes those futures, then releases the database. Appends after
   * (or racing with) close fail with {@link StoreException}. Idempotent.
   */
  @Override
  void close();
}
