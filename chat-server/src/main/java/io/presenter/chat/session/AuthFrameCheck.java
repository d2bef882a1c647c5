package io.presenter.chat.session;

import io.presenter.protocol.client.thrift.Auth;
import io.presenter.protocol.client.thrift.ErrorCode;
import io.presenter.runtime.token.TokenException;
import io.presenter.runtime.token.TokenVerifier;
import io.presenter.runtime.token.VerifiedToken;

/**
 * The chat server's whole check of a client's Auth frame, done even behind a gateway (defence in
 * depth): the token's signature and expiry, the device id, and on a routed stream that the
 * token's couple is the one the gateway routed. Kept in this one place so that a check shared with
 * the gateway can replace it.
 */
final class AuthFrameCheck {
  static final int MAX_DEVICE_ID_CHARS = 64;

  /** Either a verified token, or the error to answer with (fatal; the session ends as AUTH_FAILED). */
  record Outcome(VerifiedToken token, ErrorCode error, String message) {
    boolean accepted() {
      return token != null;
    }

    static Outcome rejected(ErrorCode error, String message) {
      return new Outcome(null, error, message);
    }
  }

  private AuthFrameCheck() {}

  /** @param routedCoupleId the couple a gateway routed the session to, or null on a direct connection */
  static Outcome check(Auth auth, TokenVerifier tokens, String routedCoupleId) {
    VerifiedToken token;
    try {
      token = tokens.verify(auth.getToken());
    } catch (TokenException e) {
      ErrorCode code = e.reason() == TokenException.Reason.EXPIRED ? ErrorCode.AUTH_EXPIRED : ErrorCode.AUTH_INVALID;
      return Outcome.rejected(code, e.getMessage());
    }
    String device = auth.getDeviceId();
    if (device == null || device.isEmpty() || device.length() > MAX_DEVICE_ID_CHARS) {
      return Outcome.rejected(ErrorCode.AUTH_INVALID, "deviceId must be 1.." + MAX_DEVICE_ID_CHARS + " characters");
    }
    if (!token.allowsDevice(device)) {
      return Outcome.rejected(ErrorCode.AUTH_INVALID, "the token is for another device (dev claim)");
    }
    if (routedCoupleId != null && !routedCoupleId.equals(token.coupleId())) {
      return Outcome.rejected(ErrorCode.WRONG_COUPLE, "token is for another couple than the stream");
    }
    return new Outcome(token, null, null);
  }
}
