package io.presenter.chat.store;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** Small helpers for the store tests. */
final class StoreTesting {

  private StoreTesting() {}

  /** A couple id no other test (or earlier run against the same database) uses. */
  static String newCouple() {
    return "couple-" + UUID.randomUUID();
  }

  static AppendRequest message(String coupleId, String senderId, String clientMessageId) {
    return message(coupleId, senderId, clientMessageId, 1_700_000_000_000L);
  }

  static AppendRequest message(String coupleId, String senderId, String clientMessageId,
      long timestampMillis) {
    return new AppendRequest(coupleId, senderId, senderId + "-phone", clientMessageId, 1,
        ("body of " + clientMessageId).getBytes(StandardCharsets.UTF_8), timestampMillis);
  }

  static String text(StoredMessage m) {
    return new String(m.body(), StandardCharsets.UTF_8);
  }
}
