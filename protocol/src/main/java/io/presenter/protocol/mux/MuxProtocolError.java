package io.presenter.protocol.mux;

/**
 * User event fired through a mux connection's pipeline when the peer broke the protocol in a way
 * that ends the connection (bad length, undecodable frame, first frame not Settings, bad stream
 * id, unsupported version, handshake timeout). {@link MuxMultiplexHandler} passes the event on,
 * so a later handler can count it by {@link #kind()}, and answers it with GoAway(PROTOCOL_ERROR)
 * and a close.
 */
public record MuxProtocolError(Kind kind, String message) {
  /** Low-cardinality classification, suitable as a metric tag. */
  public enum Kind {
    FRAME_TOO_LARGE,
    BAD_FRAME,
    HANDSHAKE,
    BAD_STREAM_ID,
  }
}
