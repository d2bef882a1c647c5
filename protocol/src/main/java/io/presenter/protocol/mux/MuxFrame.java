package io.presenter.protocol.mux;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;
import io.presenter.protocol.mux.thrift.CloseReason;
import io.presenter.protocol.mux.thrift.OpenStream;

/**
 * One frame of the multiplexing protocol, as decoded by {@link MuxFrameDecoder} and encoded by
 * {@link MuxFrameEncoder}. The wire form is the Thrift {@code MuxFrame} union of {@code mux.thrift};
 * these types are the in-memory form the handlers work with.
 *
 * <p>Only {@link Data} holds a reference-counted payload; whoever receives it releases it.
 */
public sealed interface MuxFrame
    permits MuxFrame.Settings,
        MuxFrame.Open,
        MuxFrame.Data,
        MuxFrame.WindowUpdate,
        MuxFrame.Close,
        MuxFrame.Ping,
        MuxFrame.Pong,
        MuxFrame.GoAway {

  /** Connection parameters each side announces in its first frame. */
  record Settings(
      int version, int maxFrameSize, int initialStreamWindow, int maxConcurrentStreams, String peerId)
      implements MuxFrame {}

  /**
   * Opens a stream. The {@link OpenStream} struct is the generated Thrift type (its streamId equals
   * {@link #streamId()}); treat it as read-only once the frame is built.
   */
  record Open(OpenStream spec) implements MuxFrame {
    public int streamId() {
      return spec.getStreamId();
    }
  }

  /** Stream payload. Owns one reference to {@link #content()}. */
  final class Data extends DefaultByteBufHolder implements MuxFrame {
    private final int streamId;

    public Data(int streamId, ByteBuf payload) {
      super(payload);
      this.streamId = streamId;
    }

    public int streamId() {
      return streamId;
    }

    @Override
    public Data replace(ByteBuf content) {
      return new Data(streamId, content);
    }

    @Override
    public String toString() {
      return "Data(stream=" + streamId + ", bytes=" + content().readableBytes() + ")";
    }
  }

  record WindowUpdate(int streamId, int increment) implements MuxFrame {}

  /** Ends a stream. {@code ringVersion} is 0 when not applicable; {@code message} may be null. */
  record Close(int streamId, CloseReason reason, long ringVersion, String message) implements MuxFrame {}

  record Ping(long opaque) implements MuxFrame {}

  record Pong(long opaque) implements MuxFrame {}

  /** No new streams from the receiver; {@code message} may be null. */
  record GoAway(int lastStreamId, CloseReason reason, String message) implements MuxFrame {}
}
