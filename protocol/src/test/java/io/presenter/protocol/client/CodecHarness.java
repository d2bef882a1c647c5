package io.presenter.protocol.client;

import io.presenter.protocol.testing.TrackingAllocator;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import io.presenter.protocol.client.thrift.ClientFrame;
import java.io.ByteArrayOutputStream;
import java.util.List;

/**
 * An encoder channel and a decoder channel sharing one {@link TrackingAllocator}: frames go in one
 * end, bytes come out, bytes go into the other, frames and events are recorded.
 */
final class CodecHarness {
  final TrackingAllocator alloc = new TrackingAllocator(false);
  final ClientFrameDecoder decoder;
  final RecordingHandler recorder = new RecordingHandler();
  final EmbeddedChannel in;
  final EmbeddedChannel out = new EmbeddedChannel(ClientFrameEncoder.INSTANCE);

  CodecHarness() {
    this(ClientFrameCodec.DEFAULT_MAX_FRAME_BYTES, false);
  }

  CodecHarness(int maxFrameBytes, boolean snappy) {
    decoder = new ClientFrameDecoder(maxFrameBytes);
    in = new EmbeddedChannel(decoder, recorder);
    in.config().setAllocator(alloc);
    out.config().setAllocator(alloc);
    if (snappy) {
      ClientFrameCodec.enableSnappy(in);
      ClientFrameCodec.enableSnappy(out);
    }
  }

  /** The bytes the encoder writes for {@code frames}. */
  byte[] encode(List<ClientFrame> frames) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (ClientFrame frame : frames) {
      assertThat(out.writeOutbound(frame)).isTrue();
      ByteBuf buf = out.readOutbound();
      bytes.writeBytes(ByteBufUtil.getBytes(buf));
      buf.release();
    }
    return bytes.toByteArray();
  }

  byte[] encode(ClientFrame frame) {
    return encode(List.of(frame));
  }

  /** Writes {@code bytes} inbound as one buffer the decoder must release. */
  void write(byte... bytes) {
    in.writeInbound(alloc.bytes(bytes));
  }

  /** Writes {@code length} bytes from {@code offset} inbound as one buffer. */
  void write(byte[] bytes, int offset, int length) {
    in.writeInbound(alloc.buffer(length).writeBytes(bytes, offset, length));
  }

  /** Writes {@code bytes} inbound in pieces of {@code size} bytes. */
  void writeInPieces(byte[] bytes, int size) {
    for (int i = 0; i < bytes.length; i += size) {
      write(bytes, i, Math.min(size, bytes.length - i));
    }
  }

  /** Ends both channels, asserting no exception reached the pipeline and nothing leaked. */
  void finish() {
    in.checkException();
    out.checkException();
    in.finishAndReleaseAll();
    out.finishAndReleaseAll();
    alloc.assertAllReleased();
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      bytes.writeBytes(part);
    }
    return bytes.toByteArray();
  }

  /** A length word followed by {@code body}. */
  static byte[] frame(int lengthWord, byte... body) {
    return concat(
        new byte[] {
          (byte) (lengthWord >>> 24),
          (byte) (lengthWord >>> 16),
          (byte) (lengthWord >>> 8),
          (byte) lengthWord
        },
        body);
  }
}
