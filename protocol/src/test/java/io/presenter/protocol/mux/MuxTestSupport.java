package io.presenter.protocol.mux;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.io.ByteArrayOutputStream;
import org.apache.thrift.TBase;
import org.apache.thrift.TException;
import org.apache.thrift.TSerializer;
import org.apache.thrift.protocol.TCompactProtocol;
import org.apache.thrift.protocol.TProtocol;
import org.apache.thrift.transport.TIOStreamTransport;

/** Small helpers shared by the mux tests. */
final class MuxTestSupport {
  private MuxTestSupport() {}

  /**
   * Frames are records except Data, which holds a buffer: Data compares by stream id and payload
   * bytes, everything else by {@code equals} (Open by the generated OpenStream's deep equals).
   */
  static void assertSameFrame(MuxFrame actual, MuxFrame expected) {
    if (expected instanceof MuxFrame.Data data) {
      assertThat(actual).isInstanceOf(MuxFrame.Data.class);
      MuxFrame.Data got = (MuxFrame.Data) actual;
      assertThat(got.streamId()).isEqualTo(data.streamId());
      assertThat(ByteBufUtil.getBytes(got.content())).isEqualTo(ByteBufUtil.getBytes(data.content()));
    } else {
      assertThat(actual).isEqualTo(expected);
    }
  }

  /** The payload bytes without touching the reference count. */
  static byte[] bytesOf(ByteBuf buf) {
    return ByteBufUtil.getBytes(buf);
  }

  /** What libthrift's TCompactProtocol writes for {@code value} (no length prefix). */
  static byte[] libthriftCompact(TBase<?, ?> value) throws TException {
    return new TSerializer(new TCompactProtocol.Factory()).serialize(value);
  }

  /** Writes by hand with libthrift's Compact writer, for encodings a generated struct cannot produce. */
  static byte[] handWritten(ThriftWriter writer) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    TProtocol protocol = new TCompactProtocol(new TIOStreamTransport(out));
    writer.write(protocol);
    protocol.getTransport().flush();
    return out.toByteArray();
  }

  /** {@code body} with the 4-byte big-endian length in front, as one frame on the wire. */
  static byte[] framed(byte[] body) {
    return framed(body.length, body);
  }

  static byte[] framed(int lengthWord, byte[] body) {
    byte[] out = new byte[4 + body.length];
    out[0] = (byte) (lengthWord >>> 24);
    out[1] = (byte) (lengthWord >>> 16);
    out[2] = (byte) (lengthWord >>> 8);
    out[3] = (byte) lengthWord;
    System.arraycopy(body, 0, out, 4, body.length);
    return out;
  }

  static byte[] hex(String hex) {
    return ByteBufUtil.decodeHexDump(hex.replace(" ", ""));
  }

  @FunctionalInterface
  interface ThriftWriter {
    void write(TProtocol protocol) throws TException;
  }
}
