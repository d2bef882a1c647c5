package io.presenter.chat.store;

import static io.presenter.chat.store.StoreLimits.MAX_BODY_BYTES;
import static io.presenter.chat.store.StoreLimits.MAX_CLIENT_MESSAGE_ID_LENGTH;
import static io.presenter.chat.store.StoreLimits.checkId;

/**
 * One message to append to a couple's history. The store assigns the sequence number.
 *
 * <p>{@code (coupleId, senderId, clientMessageId)} identifies the message across resends: a
 * second append with the same triple is a resend and is answered with the original result, even
 * if its other fields differ. The constructor validates the {@link StoreLimits} and throws
 * {@link IllegalArgumentException} (or {@link NullPointerException}) on a violation.
 *
 * <p>The body array is not copied: do not modify it after handing the request to the store.
 *
 * @param coupleId the couple whose history the message joins
 * @param senderId the sending user
 * @param senderDeviceId the sending device
 * @param clientMessageId the sender's id for this message, stable across resends
 * @param kind the message kind (chat semantics; opaque to the store)
 * @param body the payload (opaque to the store), at most {@link StoreLimits#MAX_BODY_BYTES}
 * @param timestampMillis the server's receive time, stored and returned as is
 */
public record AppendRequest(String coupleId, String senderId, String senderDeviceId,
    String clientMessageId, int kind, byte[] body, long timestampMillis) {

  public AppendRequest {
    checkId(coupleId, "coupleId");
    checkId(senderId, "senderId");
    checkId(senderDeviceId, "senderDeviceId");
    checkId(clientMessageId, "clientMessageId", MAX_CLIENT_MESSAGE_ID_LENGTH);
    if (body == null) {
      throw new NullPointerException("body");
    }
    if (body.length > MAX_BODY_BYTES) {
      throw new IllegalArgumentException(
          "body must have at most " + MAX_BODY_BYTES + " bytes, has " + body.length);
    }
  }
}
