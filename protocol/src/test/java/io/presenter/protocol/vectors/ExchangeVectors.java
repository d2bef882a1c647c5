package io.presenter.protocol.vectors;

import static io.presenter.protocol.client.thrift.clientConstants.CAP_SNAPPY;
import static io.presenter.protocol.client.thrift.clientConstants.KIND_TEXT;
import static io.presenter.protocol.vectors.Exchange.COUPLE;
import static io.presenter.protocol.vectors.RawFrame.encode;
import static io.presenter.protocol.vectors.RawFrame.framed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.presenter.protocol.client.ClientFrames;
import io.presenter.protocol.client.thrift.AuthOk;
import io.presenter.protocol.client.thrift.ClientFrame;
import io.presenter.protocol.client.thrift.ErrorCode;
import io.presenter.protocol.client.thrift.ServerError;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code exchanges} section: scripted sessions against a running server, covering the auth
 * checks of PROTOCOL.md 3.7, the error table of 3.13 as far as a client can provoke it, and the
 * normal flow. Every exchange uses a couple no other run has used, so seqs are exact.
 */
final class ExchangeVectors {
  private static final String A = "alice";
  private static final String B = "bob";
  private static final String SERVER_TIME = "/authOk/serverTime";
  private static final String ACK_TIME = "/ack/serverTimestamp";

  private ExchangeVectors() {}

  static ArrayNode generate() {
    ArrayNode out = ProtocolVectors.array();
    for (Exchange e : all()) {
      out.add(e.json());
    }
    return out;
  }

  private static List<Exchange> all() {
    return List.of(
        badFirstFrame(),
        zeroLengthFirstFrame(),
        compressedAuth(),
        authRequired(),
        unknownKindFirst(),
        oversizedAuth(),
        malformedToken(),
        foreignKeyToken(),
        missingDeviceId(),
        longDeviceId(),
        expiredToken(),
        happySession(),
        pipelinedSends(),
        resumeFromLastSeenSeq(),
        twoUsers(),
        snappySession(),
        missingRequiredFields(),
        unusableClientMessageIds(),
        bodyTooLarge(),
        secondAuth(),
        serverKindsFromClient(),
        badSyncRequests(),
        badReadMarkers(),
        unknownKindAfterAuth(),
        oversizedFrameAfterAuth(),
        compressedWithoutAgreementAfterAuth(),
        corruptSnappyAfterAgreement());
  }

  // ---- auth phase (PROTOCOL.md 3.7) ----

  private static Exchange badFirstFrame() {
    return new Exchange("bad-frame-garbage-first", "3.7 check 3, 3.13 BAD_FRAME", "A first frame whose body is not Thrift.", true)
        .sendHex(A, framed(new byte[] {-1, -1, -1}), "N = 3, body FF FF FF")
        .expectError(A, fatal(ErrorCode.BAD_FRAME))
        .expectClose(A);
  }

  private static Exchange zeroLengthFirstFrame() {
    return new Exchange("bad-frame-zero-length-first", "3.2, 3.7 check 1", "A first length word of 0.", true)
        .sendHex(A, framed(0, new byte[0]), "N = 0")
        .expectError(A, fatal(ErrorCode.BAD_FRAME))
        .expectClose(A);
  }

  private static Exchange compressedAuth() {
    return new Exchange(
            "bad-frame-compressed-first",
            "3.3, 3.7 check 1",
            "The first frame has bit 31 set: the Auth frame is never compressed.",
            true)
        .sendHex(A, encode(FrameVectors.SNAPPY_DOC_SEND, true), "a Snappy-flagged frame")
        .expectError(A, fatal(ErrorCode.BAD_FRAME))
        .expectClose(A);
  }

  private static Exchange authRequired() {
    return new Exchange("auth-required", "3.7 check 4, 3.13 AUTH_REQUIRED", "The first frame is a Ping.", true)
        .send(A, ClientFrames.ping(1))
        .expectError(A, fatal(ErrorCode.AUTH_REQUIRED))
        .expectClose(A);
  }

  private static Exchange unknownKindFirst() {
    return new Exchange(
            "auth-required-unknown-kind",
            "3.4, 3.7 check 4, 6",
            "The first frame is of a kind the server does not know (field 16): it counts as not Auth.",
            true)
        .sendHex(A, framed(new byte[] {0x0C, 0x20, 0x00, 0x00}), "ClientFrame field 16, an empty struct")
        .expectError(A, fatal(ErrorCode.AUTH_REQUIRED))
        .expectClose(A);
  }

  private static Exchange oversizedAuth() {
    ObjectNode auth = auth(token(A, false), "phone", null, null);
    ObjectNode version = ((ObjectNode) auth.get("auth")).putObject("clientVersion");
    version.put("$repeat", "v");
    version.put("times", ProtocolVectors.MAX_AUTH_FRAME_BYTES);
    return new Exchange(
            "frame-too-large-auth",
            "3.2, 3.7 check 2, 3.13 FRAME_TOO_LARGE",
            "An Auth frame over 8192 bytes including its length word (a valid token and an 8192-character clientVersion).",
            true)
        .sendJson(A, auth)
        .expectError(A, fatal(ErrorCode.FRAME_TOO_LARGE))
        .expectClose(A);
  }

  private static Exchange malformedToken() {
    return new Exchange("auth-invalid-malformed-token", "2, 3.7 check 6, 3.13 AUTH_INVALID", "The token is not a JWT.", true)
        .send(A, ClientFrames.auth("not-a-token", "phone", 0, 0))
        .expectError(A, fatal(ErrorCode.AUTH_INVALID))
        .expectClose(A);
  }

  private static Exchange foreignKeyToken() {
    ObjectNode token = token(A, false);
    ((ObjectNode) token.get("$token")).put("foreignKey", true);
    return new Exchange(
            "auth-invalid-bad-signature",
            "2, 3.7 check 6, 3.13 AUTH_INVALID",
            "A well-formed token with the server's kid, signed with another key.",
            true)
        .sendJson(A, auth(token, "phone", 0L, 0))
        .expectError(A, fatal(ErrorCode.AUTH_INVALID))
        .expectClose(A);
  }

  private static Exchange missingDeviceId() {
    return new Exchange("auth-invalid-no-device", "3.5, 3.7 check 5", "Auth without deviceId.", true)
        .sendJson(A, auth(token(A, false), null, null, null))
        .expectError(A, fatal(ErrorCode.AUTH_INVALID))
        .expectClose(A);
  }

  private static Exchange longDeviceId() {
    return new Exchange("auth-invalid-long-device", "3.5, 3.7 check 5", "A deviceId of 65 characters.", true)
        .sendJson(A, auth(token(A, false), "d".repeat(65), 0L, 0))
        .expectError(A, fatal(ErrorCode.AUTH_INVALID))
        .expectClose(A);
  }

  private static Exchange expiredToken() {
    return new Exchange("auth-expired", "2, 3.7 check 6, 3.13 AUTH_EXPIRED", "A token whose exp is an hour ago.", true)
        .sendJson(A, auth(token(A, true), "phone", 0L, 0))
        .expectError(A, fatal(ErrorCode.AUTH_EXPIRED))
        .expectClose(A);
  }

  // ---- sessions ----

  private static Exchange happySession() {
    byte[] hi = bytes("hi");
    return new Exchange(
            "happy-session",
            "3.6, 3.8, 3.10",
            "Auth -> AuthOk on a new couple; a send is acked with seq 1; resending the same clientMessageId returns the same seq and stores nothing; Ping -> Pong; a sync returns both messages.",
            true)
        .sendJson(A, auth(token(A, false), "phone", 0L, 0))
        .expect(A, authOk(A, 0, 0, false), SERVER_TIME)
        .send(A, ClientFrames.send("m-1", KIND_TEXT, hi))
        .expect(A, ClientFrames.ack("m-1", 1, 0), ACK_TIME)
        .send(A, ClientFrames.ping(7))
        .expect(A, ClientFrames.pong(7))
        .send(A, ClientFrames.send("m-1", KIND_TEXT, hi))
        .expect(A, ClientFrames.ack("m-1", 1, 0), ACK_TIME)
        .send(A, ClientFrames.send("m-2", 99, new byte[0]))
        .expect(A, ClientFrames.ack("m-2", 2, 0), ACK_TIME)
        .send(A, ClientFrames.syncRequest(0, null))
        .expect(
            A,
            ClientFrames.syncPage(
                0,
                List.of(
                    ClientFrames.newMessage(1, A, "phone", 0, KIND_TEXT, hi, "m-1"),
                    ClientFrames.newMessage(2, A, "phone", 0, 99, new byte[0], "m-2")),
                false,
                2),
            "/syncPage/messages/0/timestamp",
            "/syncPage/messages/1/timestamp");
  }

  private static Exchange pipelinedSends() {
    return new Exchange(
            "pipelined-after-auth",
            "3.6, 3.7 pipelining",
            "Auth and three sends in one write, without waiting for AuthOk: AuthOk first, then the acks in order.",
            true)
        .sendJson(
            A,
            auth(token(A, false), "phone", 0L, 0),
            FrameJson.toJson(ClientFrames.send("p-1", KIND_TEXT, bytes("one"))),
            FrameJson.toJson(ClientFrames.send("p-2", KIND_TEXT, bytes("two"))),
            FrameJson.toJson(ClientFrames.send("p-3", KIND_TEXT, bytes("three"))))
        .expect(A, authOk(A, 0, 0, false), SERVER_TIME)
        .expect(A, ClientFrames.ack("p-1", 1, 0), ACK_TIME)
        .expect(A, ClientFrames.ack("p-2", 2, 0), ACK_TIME)
        .expect(A, ClientFrames.ack("p-3", 3, 0), ACK_TIME);
  }

  private static Exchange resumeFromLastSeenSeq() {
    String phone = "alice-phone";
    String tablet = "alice-tablet";
    return new Exchange(
            "resume-from-last-seen-seq",
            "3.8 sync",
            "A device that has seq 1 connects with lastSeenSeq 1 after two more messages: AuthOk, then one SyncPage after seq 1, unasked.",
            true)
        .sendJson(phone, auth(token(A, false), "phone", 0L, 0))
        .expect(phone, authOk(A, 0, 0, false), SERVER_TIME)
        .send(phone, ClientFrames.send("r-1", KIND_TEXT, bytes("one")))
        .expect(phone, ClientFrames.ack("r-1", 1, 0), ACK_TIME)
        .send(phone, ClientFrames.send("r-2", KIND_TEXT, bytes("two")))
        .expect(phone, ClientFrames.ack("r-2", 2, 0), ACK_TIME)
        .send(phone, ClientFrames.send("r-3", KIND_TEXT, bytes("three")))
        .expect(phone, ClientFrames.ack("r-3", 3, 0), ACK_TIME)
        .sendJson(tablet, auth(token(A, false), "tablet", 1L, 0))
        .expect(tablet, authOk(A, 3, 0, false), SERVER_TIME)
        .expect(
            tablet,
            ClientFrames.syncPage(
                1,
                List.of(
                    ClientFrames.newMessage(2, A, "phone", 0, KIND_TEXT, bytes("two"), "r-2"),
                    ClientFrames.newMessage(3, A, "phone", 0, KIND_TEXT, bytes("three"), "r-3")),
                false,
                3),
            "/syncPage/messages/0/timestamp",
            "/syncPage/messages/1/timestamp");
  }

  private static Exchange twoUsers() {
    ClientFrame bobOk = authOk(B, 0, 0, true);
    bobOk.getAuthOk().setPartnerId(A);
    return new Exchange(
            "two-users",
            "3.8 delivery, 3.9",
            "Alice, then Bob, connect to one couple: presence, typing, a message and a read marker reach the partner.",
            true)
        .sendJson(A, auth(token(A, false), "phone", 0L, 0))
        .expect(A, authOk(A, 0, 0, false), SERVER_TIME)
        .sendJson(B, auth(token(B, false), "phone", 0L, 0))
        .expect(B, bobOk, SERVER_TIME)
        .expect(A, ClientFrames.presence(B, true))
        .send(B, ClientFrames.typing(true, null))
        .expect(A, ClientFrames.typing(true, B))
        .send(B, ClientFrames.typing(false, null), ClientFrames.send("b-1", KIND_TEXT, bytes("hello")))
        .expect(A, ClientFrames.typing(false, B))
        .expect(B, ClientFrames.ack("b-1", 1, 0), ACK_TIME)
        .expect(A, ClientFrames.message(1, B, "phone", 0, KIND_TEXT, bytes("hello"), "b-1"), "/message/timestamp")
        .send(A, ClientFrames.readUpTo(1, null))
        .expect(B, ClientFrames.readUpTo(1, A));
  }

  private static Exchange snappySession() {
    byte[] ha = bytes("ha ".repeat(100));
    return new Exchange(
            "snappy-session",
            "3.3, 3.15",
            "Both sides agree on CAP_SNAPPY; the client sends PROTOCOL.md 3.15's compressed SendMessage; the sync page holding it (over 256 bytes) may come back compressed.",
            true)
        .sendJson(A, auth(token(A, false), "phone", 0L, CAP_SNAPPY))
        .expect(A, authOk(A, 0, CAP_SNAPPY, false), SERVER_TIME)
        .sendHex(A, encode(FrameVectors.SNAPPY_DOC_SEND, true), "send-snappy-doc-example, compressed")
        .expect(A, ClientFrames.ack("m-1", 1, 0), ACK_TIME)
        .send(A, ClientFrames.syncRequest(0, null))
        .expect(
            A,
            ClientFrames.syncPage(
                0, List.of(ClientFrames.newMessage(1, A, "phone", 0, KIND_TEXT, ha, "m-1")), false, 1),
            "/syncPage/messages/0/timestamp");
  }

  // ---- non-fatal request errors (PROTOCOL.md 3.5, 3.8, 3.13) ----

  private static Exchange missingRequiredFields() {
    return authenticated(
            "bad-request-missing-field",
            "3.5, 3.13 BAD_REQUEST",
            "Frames without a required field (raw bytes: some Thrift generators leave unassigned fields out): BAD_REQUEST naming the field, carrying the clientMessageId of a send; the session continues and nothing was stored.")
        .sendHex(A, framed(RawFrame.body(3, f -> f.string(1, "m-1").i32(2, KIND_TEXT))), "SendMessage{clientMessageId: \"m-1\", kind: 1}, no body")
        .expectError(A, sendError(ErrorCode.BAD_REQUEST, "m-1"), "body")
        .sendHex(A, framed(RawFrame.body(3, f -> f.string(1, "m-2").binary(3, bytes("x")))), "SendMessage{clientMessageId: \"m-2\", body: \"x\"}, no kind")
        .expectError(A, sendError(ErrorCode.BAD_REQUEST, "m-2"), "kind")
        .sendHex(A, framed(RawFrame.body(9, f -> f.i32(2, 10))), "SyncRequest{limit: 10}, no afterSeq")
        .expectError(A, error(ErrorCode.BAD_REQUEST), "afterSeq")
        .sendHex(A, framed(RawFrame.body(11, f -> {})), "Ping{}, no nonce")
        .expectError(A, error(ErrorCode.BAD_REQUEST), "nonce")
        .send(A, ClientFrames.send("m-3", KIND_TEXT, bytes("complete")))
        .expect(A, ClientFrames.ack("m-3", 1, 0), ACK_TIME);
  }

  private static Exchange unusableClientMessageIds() {
    String tooLong = "x".repeat(65);
    return authenticated(
            "bad-request-client-message-id",
            "3.8 item 5, 3.13 BAD_REQUEST",
            "A clientMessageId of 65 characters, then an empty one: BAD_REQUEST echoing the id exactly as sent; not fatal; a 64-character id is accepted.")
        .send(A, ClientFrames.send(tooLong, KIND_TEXT, bytes("x")))
        .expectError(A, sendError(ErrorCode.BAD_REQUEST, tooLong))
        .send(A, ClientFrames.send("", KIND_TEXT, bytes("x")))
        .expectError(A, sendError(ErrorCode.BAD_REQUEST, ""))
        .send(A, ClientFrames.send("y".repeat(64), KIND_TEXT, bytes("x")))
        .expect(A, ClientFrames.ack("y".repeat(64), 1, 0), ACK_TIME);
  }

  private static Exchange bodyTooLarge() {
    ObjectNode big = FrameJson.toJson(ClientFrames.send("big", KIND_TEXT, new byte[0]));
    ObjectNode body = ((ObjectNode) big.get("send")).putObject("body");
    body.put("$repeat", "b");
    body.put("times", ProtocolVectors.MAX_BODY_BYTES + 1);
    ObjectNode max = big.deepCopy();
    ((ObjectNode) max.get("send")).put("clientMessageId", "max");
    ((ObjectNode) max.get("send").get("body")).put("times", ProtocolVectors.MAX_BODY_BYTES);
    return authenticated(
            "body-too-large",
            "3.5, 3.13 BODY_TOO_LARGE",
            "A body of 65537 bytes: BODY_TOO_LARGE with the clientMessageId, not fatal; 65536 bytes are accepted.")
        .sendJson(A, big)
        .expectError(A, sendError(ErrorCode.BODY_TOO_LARGE, "big"))
        .sendJson(A, max)
        .expect(A, ClientFrames.ack("max", 1, 0), ACK_TIME);
  }

  private static Exchange secondAuth() {
    return authenticated(
            "already-authenticated",
            "3.6, 3.13 ALREADY_AUTHENTICATED",
            "A second Auth after AuthOk, with a valid token: fatal.")
        .sendJson(A, auth(token(A, false), "phone", 0L, 0))
        .expectError(A, fatal(ErrorCode.ALREADY_AUTHENTICATED))
        .expectClose(A);
  }

  private static Exchange serverKindsFromClient() {
    return authenticated(
            "bad-request-server-kind",
            "3.4, 3.13 BAD_REQUEST",
            "Server-to-client kinds sent by the client: BAD_REQUEST each, not fatal.")
        .send(A, ClientFrames.ack("m-1", 1, 1))
        .expectError(A, error(ErrorCode.BAD_REQUEST))
        .send(A, ClientFrames.presence(B, true))
        .expectError(A, error(ErrorCode.BAD_REQUEST))
        .send(A, ClientFrames.error(ErrorCode.INTERNAL, null, false, null))
        .expectError(A, error(ErrorCode.BAD_REQUEST))
        .send(A, ClientFrames.ping(2))
        .expect(A, ClientFrames.pong(2));
  }

  private static Exchange badSyncRequests() {
    return authenticated(
            "bad-request-sync",
            "3.5 SyncRequest, 3.13 BAD_REQUEST",
            "SyncRequest with afterSeq -1, then with limit 0: BAD_REQUEST each, not fatal; a limit above the cap is lowered to it.")
        .send(A, ClientFrames.syncRequest(-1, null))
        .expectError(A, error(ErrorCode.BAD_REQUEST))
        .send(A, ClientFrames.syncRequest(0, 0))
        .expectError(A, error(ErrorCode.BAD_REQUEST))
        .send(A, ClientFrames.syncRequest(0, 1000))
        .expect(A, ClientFrames.syncPage(0, List.of(), false, 0));
  }

  private static Exchange badReadMarkers() {
    return authenticated(
            "bad-request-read-marker",
            "3.5 ReadUpTo, 3.13 BAD_REQUEST",
            "ReadUpTo below 0 and above the latest seq: BAD_REQUEST each, not fatal.")
        .send(A, ClientFrames.readUpTo(-1, null))
        .expectError(A, error(ErrorCode.BAD_REQUEST))
        .send(A, ClientFrames.readUpTo(5, null))
        .expectError(A, error(ErrorCode.BAD_REQUEST))
        .send(A, ClientFrames.ping(5))
        .expect(A, ClientFrames.pong(5));
  }

  private static Exchange unknownKindAfterAuth() {
    return authenticated(
            "unknown-kind-ignored",
            "3.4, 6",
            "After AuthOk a frame of an unknown kind (field 16) is ignored without an answer.")
        .sendHex(A, framed(new byte[] {0x0C, 0x20, 0x00, 0x00}), "ClientFrame field 16, an empty struct")
        .send(A, ClientFrames.ping(16))
        .expect(A, ClientFrames.pong(16));
  }

  // ---- fatal errors after AuthOk ----

  private static Exchange oversizedFrameAfterAuth() {
    return authenticated(
            "frame-too-large-after-auth",
            "3.2, 3.13 FRAME_TOO_LARGE",
            "A length word announcing maxFrameSize + 1 bytes: refused from the length word alone.")
        .sendHex(A, framed(ProtocolVectors.MAX_FRAME_SIZE + 1, new byte[0]), "length word only")
        .expectError(A, fatal(ErrorCode.FRAME_TOO_LARGE))
        .expectClose(A);
  }

  private static Exchange compressedWithoutAgreementAfterAuth() {
    return authenticated(
            "bad-frame-compressed-without-agreement",
            "3.3, 3.13 BAD_FRAME",
            "After an AuthOk without CAP_SNAPPY, a Snappy-flagged frame.")
        .sendHex(A, encode(FrameVectors.SNAPPY_DOC_SEND, true), "send-snappy-doc-example, compressed")
        .expectError(A, fatal(ErrorCode.BAD_FRAME))
        .expectClose(A);
  }

  private static Exchange corruptSnappyAfterAgreement() {
    byte[] compressed = encode(FrameVectors.SNAPPY_DOC_SEND, true);
    byte[] block = Arrays.copyOfRange(compressed, 4, compressed.length - 3);
    return new Exchange(
            "bad-frame-truncated-snappy",
            "3.3, 3.13 BAD_FRAME",
            "With CAP_SNAPPY agreed, a Snappy block that ends early (invalidFrames truncated-snappy).",
            true)
        .sendJson(A, auth(token(A, false), "phone", 0L, CAP_SNAPPY))
        .expect(A, authOk(A, 0, CAP_SNAPPY, false), SERVER_TIME)
        .sendHex(A, framed(0x8000_0000 | block.length, block), "truncated Snappy block")
        .expectError(A, fatal(ErrorCode.BAD_FRAME))
        .expectClose(A);
  }

  // ---- helpers ----

  /** An exchange that starts with Alice's Auth and AuthOk on a new couple. */
  private static Exchange authenticated(String name, String covers, String description) {
    return new Exchange(name, covers, description, true)
        .sendJson(A, auth(token(A, false), "phone", 0L, 0))
        .expect(A, authOk(A, 0, 0, false), SERVER_TIME);
  }

  /** {@code {"$token": {"sub": user, "cpl": "$couple"}}}, minted by the runner. */
  private static ObjectNode token(String user, boolean expired) {
    ObjectNode token = ProtocolVectors.object();
    ObjectNode claims = token.putObject("$token");
    claims.put("sub", user);
    claims.put("cpl", COUPLE);
    if (expired) {
      claims.put("expired", true);
    }
    return token;
  }

  private static ObjectNode auth(JsonNode token, String device, Long lastSeenSeq, Integer capabilities) {
    ObjectNode frame = ProtocolVectors.object();
    ObjectNode auth = frame.putObject("auth");
    auth.set("token", token);
    if (device != null) {
      auth.put("deviceId", device);
    }
    if (lastSeenSeq != null) {
      auth.put("lastSeenSeq", Long.toString(lastSeenSeq));
    }
    if (capabilities != null) {
      auth.put("capabilities", capabilities);
    }
    return frame;
  }

  private static ClientFrame authOk(String user, long latestSeq, int capabilities, boolean partnerOnline) {
    ClientFrame ok = ClientFrame.authOk(new AuthOk(user, COUPLE));
    ok.getAuthOk()
        .setPartnerOnline(partnerOnline)
        .setLatestSeq(latestSeq)
        .setCapabilities(capabilities)
        .setServerTime(0)
        .setPartnerReadUpTo(0)
        .setMaxFrameSize(ProtocolVectors.MAX_FRAME_SIZE);
    return ok;
  }

  private static ClientFrame fatal(ErrorCode code) {
    return ClientFrame.error(new ServerError(code).setFatal(true));
  }

  private static ClientFrame error(ErrorCode code) {
    return ClientFrame.error(new ServerError(code).setFatal(false));
  }

  private static ClientFrame sendError(ErrorCode code, String clientMessageId) {
    return ClientFrame.error(new ServerError(code).setFatal(false).setClientMessageId(clientMessageId));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
