package io.presenter.protocol.mux;

import io.netty.channel.CombinedChannelDuplexHandler;

/**
 * The framing layer of a mux connection: {@link MuxFrameDecoder} and {@link MuxFrameEncoder} in
 * one handler. It knows frames, not streams; {@link MuxMultiplexHandler} goes right after it.
 */
public final class MuxFrameCodec extends CombinedChannelDuplexHandler<MuxFrameDecoder, MuxFrameEncoder> {
  public MuxFrameCodec(int maxFrameSize) {
    super(new MuxFrameDecoder(maxFrameSize), MuxFrameEncoder.INSTANCE);
  }
}
