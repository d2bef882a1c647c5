package io.presenter.protocol.client;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.presenter.protocol.client.thrift.Auth;
import io.presenter.protocol.client.thrift.AuthOk;
import io.presenter.protocol.client.thrift.ClientFrame;
import io.presenter.protocol.client.thrift.ErrorCode;
import io.presenter.protocol.client.thrift.GoAway;
import io.presenter.protocol.client.thrift.GoAwayReason;
import io.presenter.protocol.client.thrift.Message;
import io.presenter.protocol.client.thrift.Ping;
import io.presenter.protocol.client.thrift.Pong;
import io.presenter.protocol.client.thrift.Presence;
import io.presenter.protocol.client.thrift.ReadUpTo;
import io.presenter.protocol.client.thrift.SendAck;
import io.presenter.protocol.client.thrift.SendMessage;
import io.presenter.protocol.client.thrift.ServerError;
import io.presenter.protocol.client.thrift.SessionReestablished;
import io.presenter.protocol.client.thrift.SyncPage;
import io.presenter.protocol.client.thrift.SyncRequest;
import io.presenter.protocol.client.thrift.Typing;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Building client frames concisely, and encoding or decoding one frame outside a pipeline (the
 * gateway's first-frame check, tests). Nullable parameters leave optional fields unset. Byte arrays
 * are copied.
 */
public final class ClientFrames {
  private ClientFrames() {}

  public static ClientFrame auth(
      String token, String deviceId, long lastSeenSeq, int capabilities) {
    return ClientFrame.auth(
        new Auth(token, deviceId).setLastSeenSeq(lastSeenSeq).setCapabilities(capabilities));
  }

  /** AuthOk with the fields every answer has; set the optional rest on {@code getAuthOk()}. */
  public static ClientFrame authOk(
      String userId, String coupleId, long latestSeq, int capabilities) {
    return ClientFrame.authOk(
        new AuthOk(userId, coupleId).setLatestSeq(latestSeq).setCapabilities(capabilities));
  }

  public static ClientFrame send(String clientMessageId, int kind, byte[] body) {
    return ClientFrame.send(new SendMessage(clientMessageId, kind, ByteBuffer.wrap(body)));
  }

  public static ClientFrame ack(String clientMessageId, long seq, long serverTimestamp) {
    return ClientFrame.ack(new SendAck(clientMessageId, seq, serverTimestamp));
  }

  /** A committed message, delivered alone in a Message frame or in a SyncPage. */
  public static Message newMessage(
      long seq,
      String senderId,
      String senderDeviceId,
      long timestamp,
      int kind,
      byte[] body,
      String clientMessageId) {
    Message m = new Message(seq, senderId, timestamp, kind, ByteBuffer.wrap(body));
    if (senderDeviceId != null) {
      m.setSenderDeviceId(senderDeviceId);
    }
    if (clientMessageId != null) {
      m.setClientMessageId(clientMessageId);
    }
    return m;
  }

  public static ClientFrame message(
      long seq,
      String senderId,
      String senderDeviceId,
      long timestamp,
      int kind,
      byte[] body,
      String clientMessageId) {
    return ClientFrame.message(
        newMessage(seq, senderId, senderDeviceId, timestamp, kind, body, clientMessageId));
  }

  /** Typing state; {@code userId} is set by the server only. */
  public static ClientFrame typing(boolean typing, String userId) {
    Typing t = new Typing(typing);
    return ClientFrame.typing(userId == null ? t : t.setUserId(userId));
  }

  /** Read marker; {@code userId} is set by the server only. */
  public static ClientFrame readUpTo(long seq, String userId) {
    ReadUpTo r = new ReadUpTo(seq);
    return ClientFrame.readUpTo(userId == null ? r : r.setUserId(userId));
  }

  public static ClientFrame presence(String userId, boolean online) {
    return ClientFrame.presence(new Presence(userId, online));
  }

  public static ClientFrame syncRequest(long afterSeq, Integer limit) {
    SyncRequest r = new SyncRequest(afterSeq);
    return ClientFrame.syncRequest(limit == null ? r : r.setLimit(limit));
  }

  public static ClientFrame syncPage(
      long afterSeq, List<Message> messages, boolean hasMore, long latestSeq) {
    return ClientFrame.syncPage(new SyncPage(afterSeq, messages, hasMore, latestSeq));
  }

  public static ClientFrame ping(long nonce) {
    return ClientFrame.ping(new Ping(nonce));
  }

  public static ClientFrame pong(long nonce) {
    return ClientFrame.pong(new Pong(nonce));
  }

  public static ClientFrame goAway(GoAwayReason reason, Integer retryAfterMillis) {
    GoAway g = new GoAway(reason);
    return ClientFrame.goAway(
        retryAfterMillis == null ? g : g.setRetryAfterMillis(retryAfterMillis));
  }

  public static ClientFrame sessionReestablished(long latestSeq) {
    return ClientFrame.sessionReestablished(new SessionReestablished(latestSeq));
  }

  public static ClientFrame error(
      ErrorCode code, String message, boolean fatal, Integer retryAfterMillis) {
    ServerError e = new ServerError(code).setFatal(fatal);
    if (message != null) {
      e.setMessage(message);
    }
    if (retryAfterMillis != null) {
      e.setRetryAfterMillis(retryAfterMillis);
    }
    return ClientFrame.error(e);
  }

  /** The fatal error frame that answers a decoder error before closing. */
  public static ClientFrame error(ClientFrameError error) {
    return error(error.code(), error.message(), true, null);
  }

  /** The answer to a SendMessage that failed; not fatal. */
  public static ClientFrame sendError(
      ErrorCode code, String message, String clientMessageId, Integer retryAfterMillis) {
    ClientFrame frame = error(code, message, false, retryAfterMillis);
    frame.getError().setClientMessageId(clientMessageId);
    return frame;
  }

  /** Length word and uncompressed body of {@code frame}, in a new buffer the caller releases. */
  public static ByteBuf encode(ByteBufAllocator alloc, ClientFrame frame) {
    return encode(alloc, frame, false);
  }

  /**
   * Length word and body of {@code frame}, compressed as {@link ClientFrameEncoder} would with
   * {@code snappy} on, in a new buffer the caller releases.
   */
  public static ByteBuf encode(ByteBufAllocator alloc, ClientFrame frame, boolean snappy) {
    ByteBuf out = alloc.buffer();
    try {
      FrameBody.write(frame, out, alloc, snappy);
      return out;
    } catch (RuntimeException e) {
      out.release();
      throw e;
    }
  }

  /**
   * Decodes one uncompressed frame body (without its length word): all readable bytes of {@code
   * body} are consumed; the buffer is not released. The result has no field set when the frame is
   * of a kind this version does not know, which receivers ignore.
   *
   * @throws ClientFrameException BAD_FRAME if the bytes are not exactly one valid ClientFrame
   */
  public static ClientFrame decodeBody(ByteBuf body) {
    return FrameBody.read(body);
  }
}
