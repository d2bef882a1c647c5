package io.presenter.runtime.token;

import io.presenter.protocol.client.thrift.Auth;
import io.presenter.protocol.client.thrift.ErrorCode;

/**
 * The token half of docs/PROTOCOL.md 3.7, the same wherever a first frame is checked (the
 * gateway, a chat server behind it, a chat server's direct listener): the token verifies, and a
 * token bound to a device ({@code dev}) is used by that device. Run it after {@code
 * AuthFrameCheck}, which makes sure the token and device id are there.
 */
public final class AuthTokenCheck {
  /** Either the verified token, or the fatal error to answer with. */
  public record Outcome(VerifiedToken token, ErrorCode error, String message) {
    public boolean accepted() {
      return token != null;
    }

    static Outcome refused(ErrorCode error, String message) {
      return new Outcome(null, error, message);
    }
  }

  private AuthTokenCheck() {}

  public static Outcome check(Auth auth, TokenVerifier tokens) {
    VerifiedToken token;
    try {
      token = tokens.verify(auth.getToken());
    } catch (TokenException e) {
      ErrorCode code = e.reason() == TokenException.Reason.EXPIRED ? ErrorCode.AUTH_EXPIRED : ErrorCode.AUTH_INVALID;
      return Outcome.refused(code, e.getMessage());
    }
    if (!token.allowsDevice(auth.getDeviceId())) {
      return Outcome.refused(ErrorCode.AUTH_INVALID, "the token is for another device (dev claim)");
    }
    return new Outcome(token, null, null);
  }
}
