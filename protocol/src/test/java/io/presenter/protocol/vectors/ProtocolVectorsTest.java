package io.presenter.protocol.vectors;

import static io.presenter.protocol.vectors.RawFrame.hex;
import static io.presenter.protocol.vectors.RawFrame.unhex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.presenter.protocol.client.ClientFrameCodec;
import io.presenter.protocol.client.ClientFrameDecoder;
import io.presenter.protocol.client.ClientFrameEncoder;
import io.presenter.protocol.client.ClientFrameError;
import io.presenter.protocol.client.thrift.ClientFrame;
import io.presenter.protocol.client.thrift.ErrorCode;
import io.presenter.protocol.testing.LeakCheck;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * docs/protocol-vectors.json against the real client frame codecs: every frame vector encodes to
 * its bytes and decodes to its value, Snappy vectors decode, invalid vectors give their error, and
 * the committed file is what the generator produces now (so a codec change that alters bytes fails
 * here until the file is regenerated on purpose, see {@link ProtocolVectors}).
 */
@ExtendWith(LeakCheck.class)
class ProtocolVectorsTest {
  private static final JsonNode VECTORS = ProtocolVectors.load();

  @Test
  void theCommittedFileIsWhatTheGeneratorProduces() throws Exception {
    String generated = ProtocolVectors.generate();
    if (Boolean.getBoolean("vectors.write")) {
      Files.writeString(ProtocolVectors.path(), generated, StandardCharsets.UTF_8);
    }
    assertThat(Files.readString(ProtocolVectors.path(), StandardCharsets.UTF_8))
        .as("%s is stale: regenerate it with -Dvectors.write=true (see ProtocolVectors) and review the diff", ProtocolVectors.FILE)
        .isEqualTo(generated);
  }

  @Test
  void everyFrameKindHasAVectorAndSomeAreCompressed() {
    Set<String> kinds = new TreeSet<>();
    long compressed = 0;
    for (JsonNode v : VECTORS.get("frames")) {
      kinds.add(v.get("frame").fieldNames().next());
      if (v.has("snappyHex") && (unhex(v.get("snappyHex").textValue())[0] & 0x80) != 0) {
        compressed++;
      }
    }
    Set<String> all = new TreeSet<>();
    for (ClientFrame._Fields field : ClientFrame._Fields.values()) {
      all.add(field.getFieldName());
    }
    assertThat(kinds).isEqualTo(all);
    assertThat(compressed).isGreaterThanOrEqualTo(3);
  }

  @TestFactory
  Stream<DynamicTest> frameVectorsMatchTheCodecs() {
    return each("frames")
        .map(
            v ->
                dynamicTest(
                    v.get("name").textValue(),
                    () -> {
                      ClientFrame frame = FrameJson.frame(v.get("frame"));
                      assertThat(FrameJson.toJson(frame)).isEqualTo(v.get("frame"));
                      String plain = v.get("hex").textValue();
                      assertThat(encode(frame, false)).isEqualTo(plain);
                      assertThat(decode(plain, false).frames()).containsExactly(frame);
                      if (v.has("snappyHex")) {
                        String snappy = v.get("snappyHex").textValue();
                        assertThat(encode(frame, true)).isEqualTo(snappy);
                        assertThat(decode(snappy, true).frames()).containsExactly(frame);
                      }
                    }));
  }

  @TestFactory
  Stream<DynamicTest> invalidVectorsGiveTheirError() {
    return each("invalidFrames")
        .map(
            v ->
                dynamicTest(
                    v.get("name").textValue(),
                    () -> {
                      Decoded d = decode(v.get("hex").textValue(), v.get("snappyAgreed").booleanValue());
                      assertThat(d.frames()).isEmpty();
                      assertThat(d.errors())
                          .extracting(ClientFrameError::code)
                          .containsExactly(ErrorCode.valueOf(v.get("error").textValue()));
                    }));
  }

  @TestFactory
  Stream<DynamicTest> decodeOnlyVectorsDecodeToTheirValue() {
    return each("decodeOnlyFrames")
        .map(
            v ->
                dynamicTest(
                    v.get("name").textValue(),
                    () -> {
                      Decoded d = decode(v.get("hex").textValue(), false);
                      assertThat(d.errors()).isEmpty();
                      if (v.get("frame").isNull()) {
                        assertThat(d.frames()).isEmpty();
                        assertThat(d.skipped()).isEqualTo(1);
                      } else {
                        assertThat(d.frames()).containsExactly(FrameJson.frame(v.get("frame")));
                      }
                    }));
  }

  private static Stream<JsonNode> each(String section) {
    return StreamSupport.stream(VECTORS.get(section).spliterator(), false);
  }

  private static String encode(ClientFrame frame, boolean snappy) {
    EmbeddedChannel out = new EmbeddedChannel(ClientFrameEncoder.INSTANCE);
    if (snappy) {
      ClientFrameCodec.enableSnappy(out);
    }
    assertThat(out.writeOutbound(frame)).isTrue();
    ByteBuf bytes = out.readOutbound();
    try {
      return hex(ByteBufUtil.getBytes(bytes));
    } finally {
      bytes.release();
      assertThat(out.finishAndReleaseAll()).isFalse();
    }
  }

  private record Decoded(List<ClientFrame> frames, List<ClientFrameError> errors, long skipped) {}

  /** Feeds {@code hex} to a decoder with the default limit, in one piece and byte by byte. */
  private static Decoded decode(String hex, boolean snappy) {
    byte[] bytes = unhex(hex);
    Decoded whole = decode(List.of(bytes), snappy);
    List<byte[]> pieces = new ArrayList<>();
    for (int i = 0; i < bytes.length; i++) {
      pieces.add(Arrays.copyOfRange(bytes, i, i + 1));
    }
    assertThat(decode(pieces, snappy)).as("byte by byte").isEqualTo(whole);
    return whole;
  }

  private static Decoded decode(List<byte[]> pieces, boolean snappy) {
    ClientFrameDecoder decoder = new ClientFrameDecoder();
    List<ClientFrame> frames = new ArrayList<>();
    List<ClientFrameError> errors = new ArrayList<>();
    EmbeddedChannel in =
        new EmbeddedChannel(
            decoder,
            new ChannelInboundHandlerAdapter() {
              @Override
              public void channelRead(ChannelHandlerContext ctx, Object msg) {
                frames.add((ClientFrame) msg);
              }

              @Override
              public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                errors.add((ClientFrameError) evt);
              }
            });
    if (snappy) {
      ClientFrameCodec.enableSnappy(in);
    }
    for (byte[] piece : pieces) {
      in.writeInbound(Unpooled.wrappedBuffer(piece));
    }
    in.checkException();
    assertThat(in.finishAndReleaseAll()).isFalse();
    return new Decoded(frames, errors, decoder.unknownFramesSkipped());
  }
}
