package io.presenter.gateway.metrics;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;

/**
 * Why a client connection ended; counted per reason ({@code presenter_gateway_closes_total}),
 * exactly once per connection. Whoever decides to close a connection records the reason on the
 * channel first ({@link #setOn}); the first reason recorded wins, and the connection's tracker
 * counts it when the channel goes inactive. A connection closed with no reason recorded is counted
 * by where it was: {@link #HANDSHAKE_FAILED} during the TLS handshake, {@link
 * #CLIENT_CLOSED_BEFORE_AUTH} after it.
 */
public enum CloseReason {
  /** The client closed after its session ran normally. */
  CLIENT_CLOSED,
  /** The client closed (or its connection broke) after the TLS handshake, before its session was relayed. */
  CLIENT_CLOSED_BEFORE_AUTH,
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
  /** The first frame was not a decodable, uncompressed Auth frame with a token and a valid device id. */
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
  ERROR;

  private static final AttributeKey<CloseReason> ATTRIBUTE = AttributeKey.valueOf(CloseReason.class, "closeReason");

  /** Records this as the reason {@code channel} closes, unless one was recorded before; true if this one counts. */
  public boolean setOn(Channel channel) {
    return channel.attr(ATTRIBUTE).setIfAbsent(this) == null;
  }

  /** The reason recorded on {@code channel}, or null. */
  public static CloseReason of(Channel channel) {
    return channel.attr(ATTRIBUTE).get();
  }
}
