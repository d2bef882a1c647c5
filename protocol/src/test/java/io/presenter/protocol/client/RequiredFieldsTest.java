package io.presenter.protocol.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.presenter.protocol.client.thrift.ClientFrame;
import io.presenter.protocol.client.thrift.Ping;
import io.presenter.protocol.client.thrift.ReadUpTo;
import io.presenter.protocol.client.thrift.SendMessage;
import io.presenter.protocol.client.thrift.SyncRequest;
import io.presenter.protocol.client.thrift.Typing;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class RequiredFieldsTest {
  @Test
  void everySampleFrameIsComplete() {
    for (ClientFrame frame : SampleFrames.all()) {
      assertThat(RequiredFields.firstMissing(frame)).as("%s", frame).isNull();
    }
  }

  @Test
  void namesTheFirstMissingFieldOfEachClientKind() {
    assertThat(RequiredFields.firstMissing(ClientFrame.send(new SendMessage().setClientMessageId("m").setKind(1))))
        .isEqualTo("body");
    assertThat(RequiredFields.firstMissing(ClientFrame.send(new SendMessage().setClientMessageId("m").setBody(ByteBuffer.allocate(0)))))
        .isEqualTo("kind");
    assertThat(RequiredFields.firstMissing(ClientFrame.send(new SendMessage().setKind(1).setBody(ByteBuffer.allocate(0)))))
        .isEqualTo("clientMessageId");
    assertThat(RequiredFields.firstMissing(ClientFrame.syncRequest(new SyncRequest().setLimit(5)))).isEqualTo("afterSeq");
    assertThat(RequiredFields.firstMissing(ClientFrame.ping(new Ping()))).isEqualTo("nonce");
    assertThat(RequiredFields.firstMissing(ClientFrame.typing(new Typing()))).isEqualTo("typing");
    assertThat(RequiredFields.firstMissing(ClientFrame.readUpTo(new ReadUpTo()))).isEqualTo("seq");
  }

  @Test
  void optionalFieldsMayBeAbsent() {
    assertThat(RequiredFields.firstMissing(ClientFrame.syncRequest(new SyncRequest().setAfterSeq(0)))).isNull();
    assertThat(RequiredFields.firstMissing(ClientFrame.readUpTo(new ReadUpTo().setSeq(3)))).isNull();
  }

  @Test
  void aFieldDecodedFromTheWireCountsAsSetEvenWithTheDefaultValue() {
    ClientFrame sent = ClientFrame.ping(new Ping().setNonce(0));
    ByteBuf bytes = ClientFrames.encode(UnpooledByteBufAllocator.DEFAULT, sent);
    ClientFrame decoded;
    try {
      decoded = ClientFrames.decodeBody(bytes.skipBytes(4));
    } finally {
      bytes.release();
    }

    assertThat(RequiredFields.firstMissing(decoded)).isNull();
  }
}
