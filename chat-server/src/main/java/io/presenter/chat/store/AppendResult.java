package io.presenter.chat.store;

/**
 * The outcome of a committed append.
 *
 * @param seq the message's sequence number in its couple (1, 2, 3, ... without gaps)
 * @param timestampMillis the stored timestamp (for a resend: the original message's)
 * @param duplicate true if the request was a resend of an already stored message, in which case
 *     {@code seq} and {@code timestampMillis} are the original's and nothing new was stored
 */
public record AppendResult(long seq, long timestampMillis, boolean duplicate) {

  AppendResult asDuplicate() {
    return duplicate ? this : new AppendResult(seq, timestampMillis, true);
  }
}
