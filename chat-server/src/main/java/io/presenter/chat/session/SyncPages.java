package io.presenter.chat.session;

import io.presenter.chat.store.MessageStore;
import io.presenter.chat.store.StoredMessage;
import io.presenter.protocol.client.ClientFrames;
import io.presenter.protocol.client.thrift.ClientFrame;
import io.presenter.protocol.client.thrift.Message;
import java.util.ArrayList;
import java.util.List;

/** Builds SyncPage frames from the store: bounded by message count and by the frame size limit. */
final class SyncPages {
  /** Room left in a frame for the page's own fields and per-message framing. */
  private static final int PAGE_OVERHEAD = 1024;
  private static final int MESSAGE_OVERHEAD = 200;

  private SyncPages() {}

  /** Blocking: reads up to {@code limit} messages after {@code afterSeq}. */
  static ClientFrame page(MessageStore store, String coupleId, long afterSeq, int limit, int maxFrameBytes, long latestSeq) {
    List<StoredMessage> rows = store.readAfter(coupleId, afterSeq, limit + 1);
    List<Message> messages = new ArrayList<>(Math.min(rows.size(), limit));
    int budget = maxFrameBytes - PAGE_OVERHEAD;
    boolean hasMore = rows.size() > limit;
    for (int i = 0; i < rows.size() && i < limit; i++) {
      StoredMessage m = rows.get(i);
      int cost = m.body().length + MESSAGE_OVERHEAD;
      if (cost > budget && !messages.isEmpty()) {
        hasMore = true;
        break;
      }
      budget -= cost;
      messages.add(
          ClientFrames.newMessage(
              m.seq(), m.senderId(), m.senderDeviceId(), m.timestampMillis(), m.kind(), m.body(), m.clientMessageId()));
    }
    long latest = Math.max(latestSeq, rows.isEmpty() ? afterSeq : rows.get(rows.size() - 1).seq());
    return ClientFrames.syncPage(afterSeq, messages, hasMore, latest);
  }
}
