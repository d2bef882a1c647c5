package io.presenter.protocol.mux;

import io.presenter.protocol.mux.thrift.muxConstants;
import java.time.Duration;

/**
 * What one side of a mux connection announces and enforces. Defaults match docs/PROTOCOL.md.
 *
 * @param maxFrameSize largest frame (length word value) this side accepts
 * @param initialStreamWindow credit in bytes this side grants each stream for inbound Data; it
 *     bounds what one stream can buffer here while its reader is slow
 * @param maxConcurrentStreams streams the peer may hold open towards this side at once
 * @param peerId this side's identity, for the peer's logs
 * @param handshakeTimeout how long to wait for the peer's Settings before closing
 */
public record MuxConfig(
    int maxFrameSize,
    int initialStreamWindow,
    int maxConcurrentStreams,
    String peerId,
    Duration handshakeTimeout) {

  public static final int DEFAULT_MAX_FRAME_SIZE = 65536;
  public static final int DEFAULT_INITIAL_STREAM_WINDOW = 65536;
  public static final int DEFAULT_MAX_CONCURRENT_STREAMS = 100_000;
  public static final int MIN_MAX_FRAME_SIZE = 1024;

  public MuxConfig {
    if (maxFrameSize < MIN_MAX_FRAME_SIZE) {
      throw new IllegalArgumentException("maxFrameSize must be >= " + MIN_MAX_FRAME_SIZE);
    }
    if (initialStreamWindow <= 0 || maxConcurrentStreams < 0) {
      throw new IllegalArgumentException("initialStreamWindow must be > 0, maxConcurrentStreams >= 0");
    }
    if (handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
      throw new IllegalArgumentException("handshakeTimeout must be positive");
    }
  }

  public static MuxConfig defaults(String peerId) {
    return new MuxConfig(
        DEFAULT_MAX_FRAME_SIZE,
        DEFAULT_INITIAL_STREAM_WINDOW,
        DEFAULT_MAX_CONCURRENT_STREAMS,
        peerId,
        Duration.ofSeconds(10));
  }

  public MuxConfig withInitialStreamWindow(int window) {
    return new MuxConfig(maxFrameSize, window, maxConcurrentStreams, peerId, handshakeTimeout);
  }

  public MuxConfig withMaxFrameSize(int size) {
    return new MuxConfig(size, initialStreamWindow, maxConcurrentStreams, peerId, handshakeTimeout);
  }

  public MuxConfig withMaxConcurrentStreams(int max) {
    return new MuxConfig(maxFrameSize, initialStreamWindow, max, peerId, handshakeTimeout);
  }

  public MuxConfig withHandshakeTimeout(Duration timeout) {
    return new MuxConfig(maxFrameSize, initialStreamWindow, maxConcurrentStreams, peerId, timeout);
  }

  MuxFrame.Settings toSettings() {
    return new MuxFrame.Settings(
        muxConstants.MUX_PROTOCOL_VERSION,
        maxFrameSize,
        initialStreamWindow,
        maxConcurrentStreams,
        peerId);
  }
}
