package io.presenter.protocol.client;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;

/**
 * Framing constants of the client protocol and the per-channel compression switch shared by {@link
 * ClientFrameDecoder} and {@link ClientFrameEncoder}.
 *
 * <p>A frame is a 4-byte big-endian length word ({@link ClientFrameHeader}) and a body. Bits 0..30
 * of the word are the body length N (1..max); bit 31 says the body is one Snappy raw block (preamble varint with the
 * uncompressed length, then the compressed elements). The uncompressed body is one {@code
 * ClientFrame} in Thrift Compact. Compression is allowed only after Auth/AuthOk agreed on {@code
 * CAP_SNAPPY}; the session handler then calls {@link #enableSnappy(Channel)}, after writing AuthOk
 * (server) or after reading it (client), so the Auth exchange itself is never compressed. The
 * encoder reads the attribute when a frame is written, so the server must write AuthOk and enable
 * compression from the channel's event loop, in that order.
 */
public final class ClientFrameCodec {
  /** When true on a channel, its encoder may compress and its decoder accepts compressed frames. */
  public static final AttributeKey<Boolean> SNAPPY =
      AttributeKey.valueOf(ClientFrameCodec.class, "SNAPPY");

  /** Default largest frame body, compressed or not: 256 KiB. */
  public static final int DEFAULT_MAX_FRAME_BYTES = 256 * 1024;

  /**
   * Default limit of the first frame (Auth), length word included (PROTOCOL.md 3.2): what a
   * receiver checks before it has authenticated anyone, so it buffers little for strangers.
   */
  public static final int DEFAULT_MAX_AUTH_FRAME_BYTES = 8192;

  /** Bodies shorter than this are always sent uncompressed. */
  public static final int MIN_COMPRESSED_BODY_BYTES = 256;

  private ClientFrameCodec() {}

  /** Turns compression on for both directions of {@code channel}. */
  public static void enableSnappy(Channel channel) {
    channel.attr(SNAPPY).set(Boolean.TRUE);
  }

  public static boolean isSnappyEnabled(Channel channel) {
    return Boolean.TRUE.equals(channel.attr(SNAPPY).get());
  }
}
