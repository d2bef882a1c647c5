package io.presenter.chat.session;

import io.presenter.chat.couple.SessionEnd;

/**
 * How a session reaches its client, chosen by the pipeline that built the session: a mux stream
 * from a gateway or a direct TLS connection. Session code asks it what it needs to know about the
 * connection and ends the session through it with a domain {@link SessionEnd}; each
 * implementation maps that to its wire. Every method may be called from any thread.
 */
public interface SessionTransport {
  /** The couple a gateway routed this session to after verifying its token, or null on a direct connection. */
  String routedCoupleId();

  /** True if a gateway re-routed a session that was open elsewhere (answered SessionReestablished, not AuthOk). */
  boolean isReopen();

  /** True if a gateway in front re-routes the client when the session ends as MOVED or DRAINING. */
  boolean reroutes();

  /** The client's address for logs (on a stream: as the gateway saw it). */
  String clientAddress();

  /**
   * Ends a session for a reason the server decided (moved, draining, slow reader): a gateway
   * sees the reason and {@code ringVersion}; a direct client is sent a GoAway first.
   */
  void end(SessionEnd reason, long ringVersion, String message);

  /** Closes the session after a fatal ServerError was written to the client; a gateway sees {@code reason}. */
  void closeAfterError(SessionEnd reason, String message);
}
