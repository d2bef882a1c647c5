package io.presenter.chat.store;

/**
 * The bounds on what the store accepts. Violations are programming or client errors and are
 * reported with {@link IllegalArgumentException} before anything is queued or sent to the
 * database, so the chat server can check these limits first and answer with an error frame.
 */
public final class StoreLimits {

  /** Longest couple, user and device id, in chars (UTF-16 units). */
  public static final int MAX_ID_LENGTH = 128;
  /** Longest client message id, in chars (UTF-16 units). */
  public static final int MAX_CLIENT_MESSAGE_ID_LENGTH = 64;
  /** Largest message body, in bytes (1 MiB). */
  public static final int MAX_BODY_BYTES = 1 << 20;
  /** Most messages one {@link MessageStore#readAfter} call returns. */
  public static final int MAX_READ_LIMIT = 1000;

  private StoreLimits() {}

  /**
   * Checks an id: not null, 1 to {@code maxLength} chars, no ISO control characters (PostgreSQL
   * text cannot hold NUL, and no id needs a control character).
   *
   * @return the id
   */
  static String checkId(String id, String what, int maxLength) {
    if (id == null) {
      throw new NullPointerException(what);
    }
    if (id.isEmpty() || id.length() > maxLength) {
      throw new IllegalArgumentException(
          what + " must have 1 to " + maxLength + " chars, has " + id.length());
    }
    for (int i = 0; i < id.length(); i++) {
      if (Character.isISOControl(id.charAt(i))) {
        throw new IllegalArgumentException(what + " contains a control character at " + i);
      }
    }
    return id;
  }

  static String checkId(String id, String what) {
    return checkId(id, what, MAX_ID_LENGTH);
  }

  static long checkSeq(long seq, String what) {
    if (seq < 0) {
      throw new IllegalArgumentException(what + " must be >= 0, is " + seq);
    }
    return seq;
  }
}
