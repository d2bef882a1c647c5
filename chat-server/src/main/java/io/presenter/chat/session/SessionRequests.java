package io.presenter.chat.session;

import io.presenter.chat.couple.Couple;
import io.presenter.chat.couple.SessionEnd;
import io.presenter.chat.store.AppendRequest;
import io.presenter.chat.store.AppendResult;
import io.presenter.chat.store.SequenceConflictException;
import io.presenter.chat.store.StoreOverloadedException;
import io.presenter.chat.store.StoredMessage;
import io.presenter.protocol.client.ClientFrames;
import io.presenter.protocol.client.RequiredFields;
import io.presenter.protocol.client.thrift.ClientFrame;
import io.presenter.protocol.client.thrift.ErrorCode;
import io.presenter.protocol.client.thrift.SendMessage;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What an authenticated session does with each client frame. Runs on the session's event loop. */
final class SessionRequests {
  private static final Logger log = LoggerFactory.getLogger(SessionRequests.class);
  private static final int MAX_CLIENT_MESSAGE_ID_CHARS = 64;
  private static final int RETRY_MILLIS = 1000;

  private final ChatServices services;
  private final ChatSessionHandler handler;

  SessionRequests(ChatServices services, ChatSessionHandler handler) {
    this.services = services;
    this.handler = handler;
  }

  void handle(ClientFrame frame) {
    if (isClientKind(frame.getSetField())) {
      String missing = RequiredFields.firstMissing(frame);
      if (missing != null) {
        refuseIncomplete(frame, missing);
        return;
      }
    }
    switch (frame.getSetField()) {
      case SEND -> send(frame.getSend());
      case TYPING -> handler.couple().typing(handler.token().userId(), frame.getTyping().isTyping());
      case READ_UP_TO -> readUpTo(frame.getReadUpTo().getSeq());
      case SYNC_REQUEST -> {
        var request = frame.getSyncRequest();
        int max = services.limits().syncPageMax();
        int limit = request.isSetLimit() ? request.getLimit() : max;
        if (limit < 1 || request.getAfterSeq() < 0) {
          error(ErrorCode.BAD_REQUEST, "SyncRequest needs afterSeq >= 0 and limit >= 1");
        } else {
          sync(request.getAfterSeq(), Math.min(limit, max));
        }
      }
      case PING -> handler.session().write(ClientFrames.pong(frame.getPing().getNonce()));
      case PONG -> {}
      case AUTH -> handler.fatal(ErrorCode.ALREADY_AUTHENTICATED, "already authenticated", SessionEnd.PROTOCOL_ERROR);
      default -> error(ErrorCode.BAD_REQUEST, frame.getSetField() + " is a server-to-client frame");
    }
  }

  /** The kinds a client may send after AuthOk (a second Auth is refused on its own terms). */
  private static boolean isClientKind(ClientFrame._Fields kind) {
    return switch (kind) {
      case SEND, TYPING, READ_UP_TO, SYNC_REQUEST, PING, PONG -> true;
      default -> false;
    };
  }

  /** BAD_REQUEST naming the missing field; for a send it carries the clientMessageId if there was one. */
  private void refuseIncomplete(ClientFrame frame, String missing) {
    String what = frame.getFieldValue().getClass().getSimpleName() + "." + missing + " is required";
    if (frame.isSetSend() && frame.getSend().isSetClientMessageId()) {
      sendError(ErrorCode.BAD_REQUEST, what, frame.getSend().getClientMessageId());
    } else {
      error(ErrorCode.BAD_REQUEST, what);
    }
  }

  private void send(SendMessage send) {
    // Echoed exactly as sent, even when unusable, so the client can find the message it refers to.
    String clientMessageId = send.getClientMessageId();
    if (clientMessageId.isEmpty() || clientMessageId.length() > MAX_CLIENT_MESSAGE_ID_CHARS) {
      sendError(ErrorCode.BAD_REQUEST, "clientMessageId must be 1.." + MAX_CLIENT_MESSAGE_ID_CHARS + " characters", clientMessageId);
      return;
    }
    byte[] body = send.getBody();
    if (body.length > services.limits().maxBodyBytes()) {
      sendError(ErrorCode.BODY_TOO_LARGE, "body over " + services.limits().maxBodyBytes() + " bytes", clientMessageId);
      return;
    }
    ChatSession session = handler.session();
    String coupleId = handler.token().coupleId();
    var request =
        new AppendRequest(coupleId, session.userId(), session.deviceId(), clientMessageId, send.getKind(), body, System.currentTimeMillis());
    Couple couple = handler.couple();
    handler.sendStarted();
    couple.commitStarted();
    services.store().append(request).whenComplete((result, error) -> {
      handler.sendFinished();
      try {
        if (error != null) {
          failed(coupleId, clientMessageId, error);
        } else {
          committed(couple, request, result);
        }
      } finally {
        services.couples().commitFinished(couple);
      }
    });
  }

  /**
   * On the store's committer thread, in commit order: acks and deliveries leave in seq order.
   * The couple records the seq (and delivers) before the sender hears the ack, so a device that
   * joins after the ack is told a latest seq that includes it.
   */
  private void committed(Couple couple, AppendRequest request, AppendResult result) {
    ChatSession session = handler.session();
    ClientFrame ack = ClientFrames.ack(request.clientMessageId(), result.seq(), result.timestampMillis());
    if (result.duplicate()) {
      services.metrics().duplicate();
      session.write(ack);
      return;
    }
    services.metrics().stored();
    StoredMessage message =
        new StoredMessage(
            request.coupleId(), result.seq(), request.senderId(), request.senderDeviceId(), request.clientMessageId(),
            request.kind(), request.body(), result.timestampMillis());
    services.metrics().delivered(couple.delivered(session, message));
    session.write(ack);
  }

  private void failed(String coupleId, String clientMessageId, Throwable error) {
    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (cause instanceof SequenceConflictException) {
      // Another server committed this couple's next seq: we are not its owner any more.
      services.couples().evict(coupleId, SessionEnd.MOVED, services.ownership().ringVersion(), "sequence taken by another server");
    } else if (cause instanceof StoreOverloadedException) {
      services.metrics().error(ErrorCode.RATE_LIMITED);
      handler.session().write(ClientFrames.sendError(ErrorCode.RATE_LIMITED, "store busy", clientMessageId, RETRY_MILLIS));
    } else {
      log.warn("send {} of couple {} not stored", clientMessageId, coupleId, cause);
      services.metrics().error(ErrorCode.INTERNAL);
      handler.session().write(ClientFrames.sendError(ErrorCode.INTERNAL, "not stored", clientMessageId, RETRY_MILLIS));
    }
  }

  private void readUpTo(long seq) {
    if (seq < 0) {
      error(ErrorCode.BAD_REQUEST, "read marker " + seq + " is negative");
      return;
    }
    String coupleId = handler.token().coupleId();
    String userId = handler.token().userId();
    boolean known = seq <= handler.couple().latestSeq();
    runBlocking(() -> {
      // The couple's in-memory latest seq can trail the store when the couple just moved here
      // and the previous owner's last commit landed after this server loaded it: ask the store.
      if (!known && seq > services.store().latestSeq(coupleId)) {
        error(ErrorCode.BAD_REQUEST, "read marker " + seq + " beyond the latest message");
        return;
      }
      services.store().setReadMarker(coupleId, userId, seq);
      handler.couple().readUpTo(userId, seq);
    });
  }

  void sync(long afterSeq, int limit) {
    String coupleId = handler.token().coupleId();
    long latest = handler.couple().latestSeq();
    int maxFrame = services.limits().maxFrameBytes();
    runBlocking(() -> handler.session().write(SyncPages.page(services.store(), coupleId, afterSeq, limit, maxFrame, latest)));
  }

  private void runBlocking(Runnable task) {
    try {
      services.blocking().execute(() -> {
        try {
          task.run();
        } catch (RuntimeException e) {
          log.warn("store request of couple {} failed", handler.token().coupleId(), e);
          services.metrics().error(ErrorCode.INTERNAL);
          handler.session().write(ClientFrames.error(ErrorCode.INTERNAL, "store unavailable", false, RETRY_MILLIS));
        }
      });
    } catch (RejectedExecutionException e) {
      services.metrics().error(ErrorCode.RATE_LIMITED);
      handler.session().write(ClientFrames.error(ErrorCode.RATE_LIMITED, "server busy", false, RETRY_MILLIS));
    }
  }

  private void sendError(ErrorCode code, String message, String clientMessageId) {
    services.metrics().error(code);
    handler.session().write(ClientFrames.sendError(code, message, clientMessageId, null));
  }

  private void error(ErrorCode code, String message) {
    services.metrics().error(code);
    handler.session().write(ClientFrames.error(code, message, false, null));
  }
}
