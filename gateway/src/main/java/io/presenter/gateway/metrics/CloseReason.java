package io.presenter.gateway.metrics;

/** Why the gateway closed (or refused) a client connection; counted per reason. */
public enum CloseReason {
  /** The client closed after its session ran normally. */
  CLIENT_CLOSED,
  /** The chat server ended the session (normally or with an error it reported itself). */
  SERVER_CLOSED,
  TOO_MANY_CONNECTIONS,
  TOO_MANY_FROM_IP,
  TOO_MANY_HANDSHAKES,
  TOO_MANY_PENDING_AUTH,
  /** Not TLS, or the TLS handshake failed. */
  HANDSHAKE_FAILED,
  HANDSHAKE_TIMEOUT,
  AUTH_TIMEOUT,
  AUTH_FRAME_TOO_LARGE,
  /** The first frame was not a decodable, uncompressed Auth frame. */
  AUTH_FRAME_INVALID,
  AUTH_TOKEN_INVALID,
  AUTH_TOKEN_EXPIRED,
  /** No chat server owns the couple or none is reachable. */
  NO_BACKEND,
  /** The session's chat server moved or died and the gateway could not follow. */
  REROUTE_FAILED,
  /** A slow client's output passed the bound. */
  SLOW_CLIENT,
  DRAINING,
  ERROR,
}
