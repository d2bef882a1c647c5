package io.presenter.protocol.mux;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.presenter.protocol.codec.ThriftCodec;
import java.util.concurrent.TimeUnit;
import org.apache.thrift.TException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Data frame encode + decode, the relay's hot path: our canonical zero-copy codec against the
 * generic libthrift path for the same bytes. Not part of the test run; run with
 * {@code deploy/bin/jmh protocol DataFrameBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Dio.netty.leakDetection.level=disabled"})
public class DataFrameBenchmark {
  @Param({"64", "1024", "16384"})
  int payloadSize;

  private final ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
  private ByteBuf payload;

  @Setup(Level.Trial)
  public void setUp() {
    payload = alloc.directBuffer(payloadSize).writeZero(payloadSize);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    payload.release();
  }

  /** Canonical path: header + payload by reference (or small copy), then slice-decoding. */
  @Benchmark
  public int canonicalEncodeDecode() {
    ByteBuf encoded = MuxFrameEncoder.encodeData(alloc, 12345, payload.retainedDuplicate());
    try {
      MuxFrame.Data data =
          CanonicalData.tryDecode(encoded, encoded.readerIndex() + 4, encoded.readableBytes() - 4);
      int n = data.content().readableBytes();
      data.release();
      return n;
    } finally {
      encoded.release();
    }
  }

  /** Baseline: libthrift's generated code over the same transport, copying the payload both ways. */
  @Benchmark
  public int genericThriftEncodeDecode() throws TException {
    byte[] bytes = new byte[payloadSize];
    payload.getBytes(payload.readerIndex(), bytes);
    var union = new io.presenter.protocol.mux.thrift.MuxFrame();
    union.setData(new io.presenter.protocol.mux.thrift.Data().setStreamId(12345).setPayload(bytes));
    ByteBuf encoded = alloc.directBuffer(payloadSize + 32);
    try {
      encoded.writeInt(0);
      ThriftCodec.encode(union, encoded);
      encoded.setInt(0, encoded.readableBytes() - 4);
      encoded.skipBytes(4);
      var decoded = ThriftCodec.decode(encoded, new io.presenter.protocol.mux.thrift.MuxFrame());
      ByteBuf out = Unpooled.wrappedBuffer(decoded.getData().getPayload());
      int n = out.readableBytes();
      out.release();
      return n;
    } finally {
      encoded.release();
    }
  }
}
