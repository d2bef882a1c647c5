package io.presenter.chat.store;

/**
 * A message as stored. Instances come from {@link MessageStore#readAfter}; the body array is the
 * caller's to keep (the store holds no reference to it).
 *
 * @param coupleId the couple
 * @param seq the sequence number in the couple, starting at 1
 * @param senderId the sending user
 * @param senderDeviceId the sending device
 * @param clientMessageId the sender's id for the message
 * @param kind the message kind
 * @param body the payload
 * @param timestampMillis the timestamp given with the original append
 */
public record StoredMessage(String coupleId, long seq, String senderId, String senderDeviceId,
    String clientMessageId, int kind, byte[] body, long timestampMillis) {}
