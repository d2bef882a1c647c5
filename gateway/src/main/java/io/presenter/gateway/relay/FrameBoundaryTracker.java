package io.presenter.gateway.relay;

import io.netty.buffer.ByteBuf;
import io.presenter.protocol.client.ClientFrameHeader;

/**
 * Follows the client protocol's length words ({@link ClientFrameHeader}) in a byte stream without
 * looking at frame bodies, so the relay knows whether it stands between two frames. That is all
 * the gateway needs to move a session to another chat server (or to insert its own GoAway)
 * without corrupting the stream.
 * Bit 31 of a length word (the compression flag) is ignored; only the length matters.
 */
final class FrameBoundaryTracker {
  /** Bytes of the length word seen so far (0..3), while reading one. */
  private int headerBytes;
  private int header;
  /** Body bytes still to come in the current frame. */
  private long bodyRemaining;

  /** Accounts for {@code buf}'s readable bytes (does not move its reader index). */
  void observe(ByteBuf buf) {
    advance(buf, buf.readerIndex(), false);
  }

  /** Walks from {@code index} to the end of {@code buf} (or to the next boundary); returns where it stopped. */
  private int advance(ByteBuf buf, int index, boolean stopAtBoundary) {
    int end = buf.writerIndex();
    while (index < end && !(stopAtBoundary && atBoundary())) {
      if (bodyRemaining > 0) {
        int n = (int) Math.min(bodyRemaining, end - index);
        bodyRemaining -= n;
        index += n;
      } else {
        header = (header << 8) | (buf.getByte(index++) & 0xff);
        if (++headerBytes == ClientFrameHeader.BYTES) {
          bodyRemaining = ClientFrameHeader.bodyLength(header);
          headerBytes = 0;
          header = 0;
        }
      }
    }
    return index;
  }

  /** True when the bytes seen so far end exactly at a frame boundary. */
  boolean atBoundary() {
    return headerBytes == 0 && bodyRemaining == 0;
  }

  /**
   * Consumes from {@code buf}'s readable bytes just those that finish the current, partly seen
   * frame, and returns how many that is (all of them if the frame goes on beyond this buffer).
   * Used after a re-route to drop the rest of a frame whose beginning went to the old server.
   */
  int skipToBoundary(ByteBuf buf) {
    int start = buf.readerIndex();
    int index = advance(buf, start, true);
    buf.readerIndex(index);
    return index - start;
  }
}
