package io.presenter.protocol.client;

import static io.presenter.protocol.client.thrift.clientConstants.CAP_SNAPPY;
import static io.presenter.protocol.client.thrift.clientConstants.KIND_IMAGE;
import static io.presenter.protocol.client.thrift.clientConstants.KIND_TEXT;

import io.presenter.protocol.client.thrift.ClientFrame;
import io.presenter.protocol.client.thrift.ErrorCode;
import io.presenter.protocol.client.thrift.GoAwayReason;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Frames of every kind, minimal and with every optional field set. */
final class SampleFrames {
  private SampleFrames() {}

  static List<ClientFrame> all() {
    byte[] text = "hello \uD83D\uDC4B".getBytes(StandardCharsets.UTF_8);
    ClientFrame fullAuthOk = ClientFrames.authOk("u1", "c1", 41, CAP_SNAPPY);
    fullAuthOk
        .getAuthOk()
        .setPartnerId("u2")
        .setPartnerOnline(true)
        .setServerTime(1_700_000_000_000L)
        .setPartnerReadUpTo(40)
        .setMaxFrameSize(65536);
    ClientFrame fullAuth = ClientFrames.auth("a.b.c", "device", 7, CAP_SNAPPY);
    fullAuth.getAuth().setClientVersion("ios/1.2.3");
    ClientFrame fullGoAway = ClientFrames.goAway(GoAwayReason.OVERLOADED, 2500);
    fullGoAway.getGoAway().setMessage("too busy");
    return List.of(
        ClientFrames.auth("a.b.c", "device", 0, 0),
        fullAuth,
        ClientFrames.authOk("u1", "c1", 0, 0),
        fullAuthOk,
        ClientFrames.send("m-1", KIND_TEXT, text),
        ClientFrames.send("m-2", 99, new byte[0]),
        ClientFrames.ack("m-1", 42, 1_700_000_000_123L),
        ClientFrames.message(42, "u1", null, 1_700_000_000_123L, KIND_TEXT, text, null),
        ClientFrames.message(43, "u1", "phone", 1, KIND_IMAGE, new byte[] {0, -1, 2}, "m-3"),
        ClientFrames.typing(true, null),
        ClientFrames.typing(false, "u2"),
        ClientFrames.readUpTo(42, null),
        ClientFrames.readUpTo(Long.MAX_VALUE, "u2"),
        ClientFrames.presence("u2", true),
        ClientFrames.syncRequest(0, null),
        ClientFrames.syncRequest(10, 200),
        ClientFrames.syncPage(0, List.of(), false, 0),
        ClientFrames.syncPage(
            10,
            List.of(
                ClientFrames.newMessage(11, "u1", "d", 5, KIND_TEXT, text, "x"),
                ClientFrames.newMessage(12, "u2", null, 6, KIND_TEXT, new byte[0], null)),
            true,
            99),
        ClientFrames.ping(Long.MIN_VALUE),
        ClientFrames.pong(-1),
        ClientFrames.goAway(GoAwayReason.DRAINING, null),
        fullGoAway,
        ClientFrames.sessionReestablished(77),
        ClientFrames.error(ErrorCode.BAD_FRAME, null, false, null),
        ClientFrames.error(ErrorCode.UNAVAILABLE, "no chat server", true, 1000),
        ClientFrames.sendError(ErrorCode.BODY_TOO_LARGE, "too big", "m-9", null));
  }
}
