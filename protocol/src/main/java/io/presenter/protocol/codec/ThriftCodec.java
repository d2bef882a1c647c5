package io.presenter.protocol.codec;

import io.netty.buffer.ByteBuf;
import org.apache.thrift.TBase;
import org.apache.thrift.TException;
import org.apache.thrift.protocol.TCompactProtocol;

/** Thrift Compact encoding straight into and out of Netty buffers. */
public final class ThriftCodec {
  private ThriftCodec() {}

  /** Appends the Compact encoding of {@code value} to {@code out}. */
  public static void encode(TBase<?, ?> value, ByteBuf out) {
    try {
      value.write(new TCompactProtocol(new ByteBufTransport(out)));
    } catch (TException e) {
      // Writing to a growable buffer only fails on a struct the IDL forbids (e.g. a null union).
      throw new IllegalArgumentException("cannot encode " + value.getClass().getSimpleName(), e);
    }
  }

  /**
   * Reads one Compact-encoded struct from the readable bytes of {@code in} into {@code target}.
   * Unknown fields are skipped. Consumes what it read; the caller decides whether trailing
   * bytes are an error.
   *
   * @throws TException if the bytes are not a valid encoding (truncated, bad type, length
   *     beyond the frame, nesting too deep)
   */
  public static <T extends TBase<?, ?>> T decode(ByteBuf in, T target) throws TException {
    target.read(new TCompactProtocol(new ByteBufTransport(in)));
    return target;
  }
}
