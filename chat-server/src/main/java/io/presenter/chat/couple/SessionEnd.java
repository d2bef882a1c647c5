package io.presenter.chat.couple;

/**
 * Why the server ends a device's session. Domain code (couples, ownership, sessions) speaks only
 * of these; the transport the session arrived on maps them to the wire (a mux Close reason, a
 * client GoAway) in one place.
 */
public enum SessionEnd {
  /** The couple is served by another chat server now (ring change, lost ZooKeeper session, lost sequence race). */
  MOVED,
  /** This server is stopping gracefully and hands its couples over. */
  DRAINING,
  /** The client stopped reading and its unsent output passed the limit; it syncs after reconnecting. */
  SLOW_READER,
  /** The Auth frame was rejected (token, device id, couple). */
  AUTH_FAILED,
  /** The client broke the protocol (bad or unexpected frames). */
  PROTOCOL_ERROR,
  /** The server could not serve the session (e.g. the couple could not be loaded). */
  INTERNAL_ERROR
}
