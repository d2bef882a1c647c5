package io.presenter.protocol.mux;

import io.presenter.protocol.mux.thrift.CloseReason;

/**
 * Why a {@link MuxStreamChannel} ended, readable from {@link MuxStreamChannel#closeInfo()} once
 * it is closed (for example in {@code channelInactive}).
 *
 * @param origin who ended it
 * @param reason the wire reason; for {@link Origin#CONNECTION_LOST} it is {@code INTERNAL_ERROR}
 *     unless the peer's GoAway gave one
 * @param ringVersion for MOVED, the ring version the peer decided under; otherwise 0
 * @param message free text from the peer, or null
 */
public record StreamCloseInfo(Origin origin, CloseReason reason, long ringVersion, String message) {
  public enum Origin {
    /** This side closed the stream (and sent Close). */
    LOCAL,
    /** The peer sent Close (or refused the stream through GoAway). */
    REMOTE,
    /** The mux connection carrying the stream ended. */
    CONNECTION_LOST,
  }

  static final StreamCloseInfo LOCAL_NORMAL = new StreamCloseInfo(Origin.LOCAL, CloseReason.NORMAL, 0, null);

  /** True when the client behind the stream should be routed again rather than dropped. */
  public boolean shouldReroute() {
    if (origin == Origin.CONNECTION_LOST) {
      return true;
    }
    return origin == Origin.REMOTE
        && (reason == CloseReason.MOVED || reason == CloseReason.DRAINING || reason == CloseReason.REFUSED);
  }
}
