package io.presenter.protocol.vectors;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.presenter.protocol.client.ClientFrames;
import io.presenter.protocol.client.thrift.ClientFrame;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import org.apache.thrift.TException;
import org.apache.thrift.protocol.TCompactProtocol;
import org.apache.thrift.protocol.TField;
import org.apache.thrift.protocol.TStruct;
import org.apache.thrift.protocol.TType;
import org.apache.thrift.transport.TMemoryBuffer;

/**
 * Frame bytes the generated Thrift writer will not produce (a required field left out, fields in
 * another order), written field by field with Thrift's Compact protocol; and the project's own
 * encoding of a frame.
 */
final class RawFrame {
  private final TMemoryBuffer buffer;
  private final TCompactProtocol out;

  private RawFrame() {
    try {
      buffer = new TMemoryBuffer(64);
    } catch (TException e) {
      throw new IllegalStateException(e);
    }
    out = new TCompactProtocol(buffer);
  }

  /** A ClientFrame whose union field {@code kind} is a struct holding what {@code fields} writes. */
  static byte[] body(int kind, Fields fields) {
    RawFrame raw = new RawFrame();
    try {
      raw.out.writeStructBegin(new TStruct("ClientFrame"));
      raw.out.writeFieldBegin(new TField("kind", TType.STRUCT, (short) kind));
      raw.out.writeStructBegin(new TStruct("s"));
      fields.write(raw);
      raw.out.writeFieldStop();
      raw.out.writeStructEnd();
      raw.out.writeFieldEnd();
      raw.out.writeFieldStop();
      raw.out.writeStructEnd();
    } catch (TException e) {
      throw new IllegalStateException(e);
    }
    return Arrays.copyOf(raw.buffer.getArray(), raw.buffer.length());
  }

  RawFrame string(int id, String value) throws TException {
    out.writeFieldBegin(new TField("f", TType.STRING, (short) id));
    out.writeString(value);
    return this;
  }

  RawFrame binary(int id, byte[] value) throws TException {
    out.writeFieldBegin(new TField("f", TType.STRING, (short) id));
    out.writeBinary(ByteBuffer.wrap(value));
    return this;
  }

  RawFrame i32(int id, int value) throws TException {
    out.writeFieldBegin(new TField("f", TType.I32, (short) id));
    out.writeI32(value);
    return this;
  }

  RawFrame i64(int id, long value) throws TException {
    out.writeFieldBegin(new TField("f", TType.I64, (short) id));
    out.writeI64(value);
    return this;
  }

  /** Fields of the struct inside the union. */
  interface Fields {
    void write(RawFrame frame) throws TException;
  }

  /** A length word followed by {@code body}. */
  static byte[] framed(int lengthWord, byte[] body) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.write(lengthWord >>> 24);
    bytes.write(lengthWord >>> 16);
    bytes.write(lengthWord >>> 8);
    bytes.write(lengthWord);
    bytes.writeBytes(body);
    return bytes.toByteArray();
  }

  /** An uncompressed frame around {@code body}. */
  static byte[] framed(byte[] body) {
    return framed(body.length, body);
  }

  /** What the project's encoder writes for {@code frame}, with Snappy agreed or not. */
  static byte[] encode(ClientFrame frame, boolean snappy) {
    ByteBuf buf = ClientFrames.encode(UnpooledByteBufAllocator.DEFAULT, frame, snappy);
    try {
      return ByteBufUtil.getBytes(buf);
    } finally {
      buf.release();
    }
  }

  static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }

  static byte[] unhex(String hex) {
    return HexFormat.of().parseHex(hex);
  }
}
