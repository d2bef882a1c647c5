package io.presenter.protocol.mux;

import io.netty.channel.ChannelId;

/** Parent connection id plus stream id: cheap, unique while the connection lives. */
final class MuxStreamChannelId implements ChannelId {
  private static final long serialVersionUID = 1L;

  private final ChannelId parent;
  private final int streamId;

  MuxStreamChannelId(ChannelId parent, int streamId) {
    this.parent = parent;
    this.streamId = streamId;
  }

  @Override
  public String asShortText() {
    return parent.asShortText() + "/" + streamId;
  }

  @Override
  public String asLongText() {
    return parent.asLongText() + "/" + streamId;
  }

  @Override
  public int compareTo(ChannelId o) {
    if (o instanceof MuxStreamChannelId other) {
      int c = parent.compareTo(other.parent);
      return c != 0 ? c : Integer.compare(streamId, other.streamId);
    }
    return asLongText().compareTo(o.asLongText());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MuxStreamChannelId other && other.streamId == streamId && other.parent.equals(parent);
  }

  @Override
  public int hashCode() {
    return parent.hashCode() * 31 + streamId;
  }

  @Override
  public String toString() {
    return asShortText();
  }
}
