package io.presenter.chat.store;

/**
 * The sequence number this store assigned is already taken in the database: another writer
 * (another chat server that also believes it owns the couple) committed it. The message was not
 * stored. The store has dropped its cached state for the couple, so a later append continues from
 * the true latest sequence number; the chat server should treat this as losing the couple.
 */
public final class SequenceConflictException extends StoreException {

  private static final long serialVersionUID = 1L;

  private final String coupleId;
  private final long seq;

  public SequenceConflictException(String coupleId, long seq, Throwable cause) {
    super("sequence " + seq + " of couple " + coupleId + " was committed by another writer", cause);
    this.coupleId = coupleId;
    this.seq = seq;
  }

  /** The couple. */
  public String coupleId() {
    return coupleId;
  }

  /** The sequence number that was taken. */
  public long seq() {
    return seq;
  }
}
