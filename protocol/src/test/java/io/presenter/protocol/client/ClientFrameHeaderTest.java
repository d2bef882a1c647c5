package io.presenter.protocol.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

class ClientFrameHeaderTest {
  @Test
  void readsTheLengthWordTheEncoderWrites() {
    ByteBuf frame = ClientFrames.encode(io.netty.buffer.UnpooledByteBufAllocator.DEFAULT, ClientFrames.auth("token", "phone", 0, 0));
    try {
      assertThat(ClientFrameHeader.isReadable(frame)).isTrue();
      int word = ClientFrameHeader.peek(frame);
      assertThat(ClientFrameHeader.isCompressed(word)).isFalse();
      assertThat(ClientFrameHeader.bodyLength(word)).isEqualTo(frame.readableBytes() - ClientFrameHeader.BYTES);
      assertThat(frame.readerIndex()).as("peek does not consume").isZero();
    } finally {
      frame.release();
    }
  }

  @Test
  void bit31IsTheCompressionFlagAndNotPartOfTheLength() {
    int word = ClientFrameHeader.word(300, true);
    assertThat(word).isNegative();
    assertThat(ClientFrameHeader.isCompressed(word)).isTrue();
    assertThat(ClientFrameHeader.bodyLength(word)).isEqualTo(300);
    assertThat(ClientFrameHeader.word(300, false)).isEqualTo(300);
  }

  @Test
  void fewerThanFourBytesAreNotAHeaderYet() {
    assertThat(ClientFrameHeader.isReadable(Unpooled.wrappedBuffer(new byte[3]))).isFalse();
  }
}
