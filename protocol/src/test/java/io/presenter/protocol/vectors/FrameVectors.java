package io.presenter.protocol.vectors;

import static io.presenter.protocol.client.thrift.clientConstants.CAP_SNAPPY;
import static io.presenter.protocol.client.thrift.clientConstants.KIND_IMAGE;
import static io.presenter.protocol.client.thrift.clientConstants.KIND_TEXT;
import static io.presenter.protocol.vectors.RawFrame.encode;
import static io.presenter.protocol.vectors.RawFrame.framed;
import static io.presenter.protocol.vectors.RawFrame.hex;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.presenter.protocol.client.ClientFrameCodec;
import io.presenter.protocol.client.ClientFrames;
import io.presenter.protocol.client.thrift.Auth;
import io.presenter.protocol.client.thrift.AuthOk;
import io.presenter.protocol.client.thrift.ClientFrame;
import io.presenter.protocol.client.thrift.ErrorCode;
import io.presenter.protocol.client.thrift.GoAwayReason;
import io.presenter.protocol.client.thrift.Message;
import io.presenter.protocol.client.thrift.ServerError;
import io.presenter.protocol.client.thrift.SessionReestablished;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/** The {@code frames}, {@code invalidFrames} and {@code decodeOnlyFrames} sections. */
final class FrameVectors {
  private static final int COMPRESSED = 0x8000_0000;
  private static final byte[] TEXT = "hello \uD83D\uDC4B".getBytes(StandardCharsets.UTF_8);

  /** PROTOCOL.md 3.15: 313 bytes uncompressed. */
  static final ClientFrame SNAPPY_DOC_SEND =
      ClientFrames.send("m-1", KIND_TEXT, "ha ".repeat(100).getBytes(StandardCharsets.UTF_8));

  private record Named(String name, String note, ClientFrame frame) {}

  /** Every frame kind, minimal and with its optional fields set, and PROTOCOL.md's examples. */
  private static List<Named> samples() {
    ClientFrame fullAuth = ClientFrames.auth("a.b.c", "device", 7, CAP_SNAPPY);
    fullAuth.getAuth().setClientVersion("ios/1.2.3");
    ClientFrame fullAuthOk = ClientFrames.authOk("u1", "c1", 41, CAP_SNAPPY);
    fullAuthOk
        .getAuthOk()
        .setPartnerId("u2")
        .setPartnerOnline(true)
        .setServerTime(1_700_000_000_000L)
        .setPartnerReadUpTo(40)
        .setMaxFrameSize(262_144);
    ClientFrame fullGoAway = ClientFrames.goAway(GoAwayReason.OVERLOADED, 2500);
    fullGoAway.getGoAway().setMessage("too busy");
    byte[] noise = new byte[300];
    new Random(12).nextBytes(noise);
    String story =
        "The quick brown fox jumps over the lazy dog; the lazy dog sleeps on. ".repeat(9);
    return List.of(
        new Named("auth-minimal", null, ClientFrame.auth(new Auth("a.b.c", "device"))),
        new Named("auth-full", null, fullAuth),
        new Named(
            "auth-doc-example",
            "PROTOCOL.md 3.14: the token of the token section, device d1, lastSeenSeq 41, CAP_SNAPPY",
            ClientFrames.auth(TokenVector.token(), "d1", 41, CAP_SNAPPY)),
        new Named("auth-ok-minimal", null, ClientFrame.authOk(new AuthOk("u1", "c1"))),
        new Named("auth-ok-full", null, fullAuthOk),
        new Named("send-text", "body is UTF-8 text with an emoji", ClientFrames.send("m-1", KIND_TEXT, TEXT)),
        new Named(
            "send-empty-body-unknown-kind",
            "kinds are relayed unchanged, unknown ones included",
            ClientFrames.send("m-2", 99, new byte[0])),
        new Named("send-snappy-doc-example", "PROTOCOL.md 3.15", SNAPPY_DOC_SEND),
        new Named(
            "send-incompressible",
            "300 random body bytes: Snappy would not make the body smaller, so the encoder sends it plain even with Snappy agreed",
            ClientFrames.send("m-4", KIND_IMAGE, noise)),
        new Named("ack", null, ClientFrames.ack("m-1", 42, 1_700_000_000_123L)),
        new Named(
            "message-minimal",
            null,
            ClientFrames.message(42, "u1", null, 1_700_000_000_123L, KIND_TEXT, TEXT, null)),
        new Named(
            "message-full",
            null,
            ClientFrames.message(43, "u1", "phone", 1, KIND_IMAGE, new byte[] {0, -1, 2}, "m-3")),
        new Named(
            "message-long-text",
            null,
            ClientFrames.message(
                44, "u2", "tablet", 1_700_000_000_456L, KIND_TEXT, story.getBytes(StandardCharsets.UTF_8), "m-5")),
        new Named("typing-client", "PROTOCOL.md 3.14; userId unset C->S", ClientFrames.typing(true, null)),
        new Named("typing-server", null, ClientFrames.typing(false, "u2")),
        new Named("read-up-to-client", null, ClientFrames.readUpTo(42, null)),
        new Named("read-up-to-server", "an i64 beyond 2^53", ClientFrames.readUpTo(Long.MAX_VALUE, "u2")),
        new Named("presence", null, ClientFrames.presence("u2", true)),
        new Named("sync-request-minimal", null, ClientFrames.syncRequest(0, null)),
        new Named("sync-request-limit", null, ClientFrames.syncRequest(10, 200)),
        new Named("sync-page-empty", null, ClientFrames.syncPage(0, List.of(), false, 0)),
        new Named(
            "sync-page",
            null,
            ClientFrames.syncPage(
                10,
                List.of(
                    ClientFrames.newMessage(11, "u1", "d", 5, KIND_TEXT, TEXT, "x"),
                    ClientFrames.newMessage(12, "u2", null, 6, KIND_TEXT, new byte[0], null)),
                true,
                99)),
        new Named(
            "sync-page-large",
            null,
            ClientFrames.syncPage(
                0,
                List.of(
                    pageMessage(1, "u1", "m-1"),
                    pageMessage(2, "u2", "m-2"),
                    pageMessage(3, "u1", "m-3")),
                false,
                3)),
        new Named("ping-doc-example", "PROTOCOL.md 3.14", ClientFrames.ping(1)),
        new Named("ping-negative", "an i64 below -2^53", ClientFrames.ping(Long.MIN_VALUE)),
        new Named("pong", null, ClientFrames.pong(-1)),
        new Named("go-away-minimal", null, ClientFrames.goAway(GoAwayReason.DRAINING, null)),
        new Named("go-away-full", null, fullGoAway),
        new Named(
            "session-reestablished-minimal",
            null,
            ClientFrame.sessionReestablished(new SessionReestablished(77))),
        new Named(
            "session-reestablished-full",
            null,
            ClientFrame.sessionReestablished(
                new SessionReestablished(77).setPartnerOnline(true).setPartnerReadUpTo(70))),
        new Named("error-minimal", null, ClientFrame.error(new ServerError(ErrorCode.BAD_FRAME))),
        new Named(
            "error-doc-example",
            "PROTOCOL.md 3.14",
            ClientFrame.error(new ServerError(ErrorCode.AUTH_EXPIRED).setFatal(true))),
        new Named(
            "error-unavailable",
            null,
            ClientFrames.error(ErrorCode.UNAVAILABLE, "no chat server", true, 1000)),
        new Named(
            "error-send",
            null,
            ClientFrames.sendError(ErrorCode.BODY_TOO_LARGE, "too big", "m-9", null)));
  }

  private static Message pageMessage(long seq, String sender, String id) {
    byte[] body = ("message " + seq + ": " + "see you at eight, ".repeat(5)).getBytes(StandardCharsets.UTF_8);
    return ClientFrames.newMessage(seq, sender, "phone", 1_700_000_000_000L + seq, KIND_TEXT, body, id);
  }

  ArrayNode valid() {
    ArrayNode out = ProtocolVectors.array();
    for (Named sample : samples()) {
      ObjectNode v = out.addObject();
      v.put("name", sample.name());
      if (sample.note() != null) {
        v.put("note", sample.note());
      }
      v.set("frame", FrameJson.toJson(sample.frame()));
      byte[] plain = encode(sample.frame(), false);
      v.put("hex", hex(plain));
      if (plain.length - io.presenter.protocol.client.ClientFrameHeader.BYTES >= ClientFrameCodec.MIN_COMPRESSED_BODY_BYTES) {
        v.put("snappyHex", hex(encode(sample.frame(), true)));
      }
    }
    return out;
  }

  ArrayNode invalid() {
    byte[] compressed = encode(SNAPPY_DOC_SEND, true);
    byte[] block = Arrays.copyOfRange(compressed, 4, compressed.length);
    byte[] ping = encode(ClientFrames.ping(1), false);
    byte[] pingBody = Arrays.copyOfRange(ping, 4, ping.length);
    byte[] truncated = Arrays.copyOf(block, block.length - 3);
    byte[] wrongLength = block.clone();
    wrongLength[1] = (byte) (wrongLength[1] + 1); // preamble 313 -> 441: more than the elements give
    ArrayNode out = ProtocolVectors.array();
    invalid(out, "zero-length", "N = 0", false, framed(0, new byte[0]), ErrorCode.BAD_FRAME);
    invalid(
        out,
        "over-limit-length",
        "N = maxFrameSize + 1; refuse on the length word alone, before any body byte arrives or is allocated",
        false,
        framed(ProtocolVectors.MAX_FRAME_SIZE + 1, new byte[0]),
        ErrorCode.FRAME_TOO_LARGE);
    invalid(
        out,
        "compressed-without-agreement",
        "the Snappy encoding of send-snappy-doc-example, but CAP_SNAPPY was not agreed",
        false,
        compressed,
        ErrorCode.BAD_FRAME);
    invalid(
        out,
        "truncated-snappy",
        "send-snappy-doc-example's Snappy block without its last 3 bytes (N adjusted): it decodes to fewer bytes than its preamble announces",
        true,
        framed(COMPRESSED | truncated.length, truncated),
        ErrorCode.BAD_FRAME);
    invalid(
        out,
        "snappy-length-mismatch",
        "send-snappy-doc-example's Snappy block with a preamble of 441 instead of 313",
        true,
        framed(COMPRESSED | wrongLength.length, wrongLength),
        ErrorCode.BAD_FRAME);
    byte[] hugePreamble = {(byte) 0x81, (byte) 0x80, 0x10, 0x00, 0x00, 0x00};
    invalid(
        out,
        "snappy-preamble-over-limit",
        "a Snappy preamble announcing maxFrameSize + 1 bytes; refuse before allocating",
        true,
        framed(COMPRESSED | hugePreamble.length, hugePreamble),
        ErrorCode.FRAME_TOO_LARGE);
    invalid(
        out,
        "trailing-bytes",
        "Ping{nonce: 1} followed by one more byte inside the same body",
        false,
        framed(concat(pingBody, new byte[] {0})),
        ErrorCode.BAD_FRAME);
    invalid(out, "garbage", "not Thrift Compact", false, framed(new byte[] {-1, -1, -1}), ErrorCode.BAD_FRAME);
    invalid(out, "empty-union", "a ClientFrame with no field", false, framed(new byte[] {0}), ErrorCode.BAD_FRAME);
    invalid(
        out,
        "two-union-fields",
        "ping and pong in one ClientFrame",
        false,
        framed(concat(Arrays.copyOf(pingBody, pingBody.length - 1), new byte[] {0x1C, 0x16, 0x02, 0x00, 0x00})),
        ErrorCode.BAD_FRAME);
    invalid(
        out,
        "known-kind-wrong-type",
        "ClientFrame field 11 (ping) holding an i32 instead of a Ping struct",
        false,
        framed(new byte[] {(byte) 0xB5, 0x02, 0x00}),
        ErrorCode.BAD_FRAME);
    return out;
  }

  private static void invalid(
      ArrayNode out, String name, String note, boolean snappy, byte[] bytes, ErrorCode error) {
    ObjectNode v = out.addObject();
    v.put("name", name);
    v.put("note", note);
    v.put("snappyAgreed", snappy);
    v.put("hex", hex(bytes));
    v.put("error", error.name());
  }

  ArrayNode decodeOnly() {
    ArrayNode out = ProtocolVectors.array();
    decodeOnly(
        out,
        "unknown-kind",
        "ClientFrame field 16, a kind added later (long-form field header 0C 20): skipped, no frame",
        framed(new byte[] {0x0C, 0x20, 0x00, 0x00}),
        null);
    decodeOnly(
        out,
        "unknown-field",
        "Ping with an extra field 2 (i32 5) the IDL does not have: skipped",
        framed(new byte[] {(byte) 0xBC, 0x16, 0x02, 0x15, 0x0A, 0x00, 0x00}),
        ClientFrames.ping(1));
    decodeOnly(
        out,
        "fields-descending",
        "SendMessage with its fields written 3, 2, 1 (long-form headers where the delta is negative)",
        framed(
            RawFrame.body(
                3,
                f -> f.binary(3, new byte[] {'h', 'i'}).i32(2, KIND_TEXT).string(1, "m-1"))),
        ClientFrames.send("m-1", KIND_TEXT, new byte[] {'h', 'i'}));
    return out;
  }

  private static void decodeOnly(ArrayNode out, String name, String note, byte[] bytes, ClientFrame frame) {
    ObjectNode v = out.addObject();
    v.put("name", name);
    v.put("note", note);
    v.put("hex", hex(bytes));
    if (frame == null) {
      v.putNull("frame");
    } else {
      v.set("frame", FrameJson.toJson(frame));
    }
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
